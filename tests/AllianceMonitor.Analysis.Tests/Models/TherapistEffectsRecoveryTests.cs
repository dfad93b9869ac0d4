using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;
using Xunit.Abstractions;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The alliance split three ways recovers known therapist and patient parts, and the simulator's therapist alliance
/// offsets leave every existing seed's data as they were.
/// </summary>
public sealed class TherapistEffectsRecoveryTests(ITestOutputHelper output)
{
    private const int Seeds = 40;
    private const int Patients = 800;

    /// <summary>40 therapists of 20 patients; therapists differ in alliance (SD 0.3) and that part acts twice as strongly.</summary>
    private static readonly SimulationParameters Clinic = new(PatientsPerTherapist: 20, TherapistAllianceSd: 0.3, TherapistAllianceEffect: -6.0);

    [Fact]
    public void Default_simulator_still_writes_the_committed_therapists_fixture()
    {
        // therapists.csv was written by `simulate --patients 300 --seed 33` before the therapist alliance offsets existed.
        Assert.Equal(Lme4Fixture.Observations("therapists"), SessionSimulator.Simulate(300, 33).Observations);
        Assert.Equal(SessionSimulator.Simulate(300, 33).Observations, SessionSimulator.Simulate(300, 33, new SimulationParameters(TherapistAllianceSd: 0)).Observations);
    }

    [Fact]
    public void Therapist_alliance_offsets_give_a_therapist_share_whose_interval_excludes_zero()
    {
        var plain = TherapistShare.Estimate(SessionSimulator.Simulate(400, 5, new SimulationParameters(PatientsPerTherapist: 20)).Observations.ToArray(), ShareMeasure.Alliance);
        var offset = TherapistShare.Estimate(SessionSimulator.Simulate(400, 5, Clinic).Observations.ToArray(), ShareMeasure.Alliance);
        output.WriteLine($"share without {plain.Summary.TherapistShare:F4} [{plain.ShareInterval.Low:F4}, {plain.ShareInterval.High:F4}], "
            + $"with {offset.Summary.TherapistShare:F4} [{offset.ShareInterval.Low:F4}, {offset.ShareInterval.High:F4}]");
        // The ceiling at 5 compresses the offsets (true SD 0.3), so only the direction is asserted: a share clearly above 0.
        Assert.True(offset.ShareInterval.Low > 0, $"share interval {offset.ShareInterval}");
        Assert.Equal(0, plain.ShareInterval.Low);
    }

    [Fact]
    public void Split_recovers_known_therapist_and_patient_parts()
    {
        var patientTruth = Clinic.BetweenEffect;
        var therapistTruth = Clinic.TherapistAllianceEffect!.Value;
        var (therapistCovered, patientCovered, separated) = (0, 0, 0);
        var (therapistEstimates, patientEstimates) = (new List<double>(), new List<double>());
        for (var seed = 1UL; seed <= Seeds; seed++)
        {
            var data = SessionSimulator.Simulate(Patients, 7000 + seed, Clinic);
            var split = AllianceSplit.Fit(data.Observations.ToArray(), FitMethod.Reml);
            therapistEstimates.Add(split.Therapist.Estimate);
            patientEstimates.Add(split.Patient.Estimate);
            therapistCovered += split.Therapist.CiLow <= therapistTruth && therapistTruth <= split.Therapist.CiHigh ? 1 : 0;
            patientCovered += split.Patient.CiLow <= patientTruth && patientTruth <= split.Patient.CiHigh ? 1 : 0;
            separated += split.TherapistMinusPatient.ExcludesZero ? 1 : 0;
        }

        output.WriteLine(
            $"therapist: mean {therapistEstimates.Average():F3} (truth {therapistTruth}), covered {therapistCovered}/{Seeds}; "
            + $"patient: mean {patientEstimates.Average():F3} (truth {patientTruth}), covered {patientCovered}/{Seeds}; difference excludes 0 in {separated}/{Seeds}");
        Assert.True(patientCovered >= 0.9 * Seeds, $"patient part covered in {patientCovered} of {Seeds}");
        Assert.True(therapistCovered >= 0.85 * Seeds, $"therapist part covered in {therapistCovered} of {Seeds}");
        Assert.InRange(patientEstimates.Average(), patientTruth - 0.3, patientTruth + 0.3);
        Assert.InRange(therapistEstimates.Average(), therapistTruth - 1.0, therapistTruth + 1.0);
    }
}
