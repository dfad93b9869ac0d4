using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>The fitted within-patient effect recovers the simulator's known value.</summary>
public sealed class RecoveryTests
{
    private const int Seeds = 50;
    private const int PatientsPerDataset = 150;

    [Fact]
    public void Known_within_patient_alliance_effect_lies_in_the_95_percent_interval_in_at_least_90_percent_of_seeds()
    {
        var truth = new SimulationParameters().WithinEffect;
        var covered = 0;
        var estimates = new List<double>();
        for (var seed = 1UL; seed <= Seeds; seed++)
        {
            var data = SessionSimulator.Simulate(PatientsPerDataset, 1000 + seed);
            var fit = MixedModelFitter.Fit(LaggedDesign.Build(data.Observations.ToArray(), ModelCatalog.AllianceToSymptoms));
            var effect = fit.Fixed(ModelCatalog.AllianceToSymptoms.PredictorWithin);
            estimates.Add(effect.Estimate);
            if (effect.CiLow <= truth && truth <= effect.CiHigh)
            {
                covered++;
            }
        }

        Assert.True(
            covered >= 0.9 * Seeds,
            $"{covered} of {Seeds} intervals cover {truth}; mean estimate {estimates.Average():F3}");
    }
}
