using AllianceMonitor.Analysis.Agreement;

namespace AllianceMonitor.Analysis.Tests.Agreement;

public sealed class TherapistAgreementTests
{
    private static (string, PatientAgreement) Patient(string therapist, double mean, double? r, int pairs = 5) =>
        (therapist, new PatientAgreement(pairs, mean, null, r, null));

    [Fact]
    public void Each_therapist_mean_discrepancy_is_shrunk_as_the_hand_computed_random_intercept_model()
    {
        // The patients' mean discrepancies of ShrinkageTests' hand computation, shifted by -5: tau² = 3.5, MSW = 10/3.
        var clinic = TherapistAgreement.Estimate(
            [Patient("t-b", -1, null), Patient("t-a", -4, null), Patient("t-b", 1, null), Patient("t-a", -2, null), Patient("t-b", 3, null), Patient("t-c", 0, null)],
            withinSd: 0.5);

        Assert.Equal(["t-a", "t-b", "t-c"], clinic.TherapistEstimates.Select(t => t.Therapist));
        Assert.Equal(-0.5, clinic.MeanDiscrepancy!.Value, 12);
        Assert.Equal(-1.0, clinic.MeanDiscrepancySds!.Value, 12);
        Assert.Equal(3.5, clinic.DiscrepancyBetweenVariance!.Value, 12);
        var a = clinic.TherapistEstimates[0];
        Assert.Equal((2, 10), (a.Patients, a.Pairs));
        Assert.Equal(-0.5 + (21.0 / 31 * -2.5), a.MeanDiscrepancy!.Value, 12);
        Assert.Equal(a.MeanDiscrepancy!.Value / 0.5, a.MeanDiscrepancySds!.Value, 12);
        Assert.Equal(21.0 / 31, a.DiscrepancyWeight!.Value, 12);
        Assert.Equal(-0.5 + (21.0 / 41 * 0.5), clinic.TherapistEstimates[2].MeanDiscrepancy!.Value, 12);
        Assert.Null(clinic.DiscrepancyNote);
        Assert.Null(clinic.WithinCorrelation);
        Assert.NotNull(clinic.CorrelationNote);
    }

    [Fact]
    public void Correlations_are_shrunk_on_fishers_z_and_transformed_back()
    {
        // Within-therapist spread of z is zero, so each therapist keeps its own correlation; the clinic's is
        // tanh of the mean z: tanh((2 atanh .5 + atanh .2) / 3) = 0.408477...
        var clinic = TherapistAgreement.Estimate(
            [Patient("t-a", -0.2, 0.5), Patient("t-a", -0.4, 0.5), Patient("t-b", 0.1, 0.2), Patient("t-b", 0.0, null, pairs: 3)],
            withinSd: 0.3);

        Assert.Equal(0.408477, clinic.WithinCorrelation!.Value, 6);
        Assert.Equal(0.5, clinic.TherapistEstimates[0].WithinCorrelation!.Value, 12);
        Assert.Equal(0.2, clinic.TherapistEstimates[1].WithinCorrelation!.Value, 12);
        Assert.Equal((2, 1), (clinic.TherapistEstimates[1].Patients, clinic.TherapistEstimates[1].CorrelatedPatients));
        Assert.Equal(1.0, clinic.TherapistEstimates[0].CorrelationWeight);
    }

    [Fact]
    public void One_therapist_or_no_repeated_patients_gives_the_clinic_figures_but_no_therapist_figures()
    {
        var single = TherapistAgreement.Estimate([Patient("t-a", -0.2, 0.5), Patient("t-a", -0.4, 0.3)], withinSd: 0.3);
        var unrepeated = TherapistAgreement.Estimate([Patient("t-a", -0.2, 0.5), Patient("t-b", -0.4, 0.3)], withinSd: 0.3);

        foreach (var clinic in new[] { single, unrepeated })
        {
            Assert.Equal(-0.3, clinic.MeanDiscrepancy!.Value, 12);
            Assert.All(clinic.TherapistEstimates, t => Assert.Null(t.MeanDiscrepancy));
            Assert.All(clinic.TherapistEstimates, t => Assert.Null(t.WithinCorrelation));
            Assert.NotNull(clinic.DiscrepancyNote);
        }
    }

    [Fact]
    public void Patients_without_a_pair_are_left_out()
    {
        var clinic = TherapistAgreement.Estimate(
            [Patient("t-a", -0.2, null), ("t-a", new PatientAgreement(0, null, null, null, "none")), Patient("t-b", 0.2, null)], withinSd: 0.3);

        Assert.Equal((2, 2), (clinic.Therapists, clinic.Patients));
    }
}
