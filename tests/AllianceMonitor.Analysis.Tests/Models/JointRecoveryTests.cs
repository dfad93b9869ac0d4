using System.Diagnostics;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using Xunit.Abstractions;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// Issue 18's recovery criterion for a bias-aware estimator of the within effect under strong feedback, met by the
/// joint (bivariate initial-conditions) model with its cluster-robust interval: the same 50 seeds, 400 patients, 6-8
/// sessions and feedback -0.10 as <see cref="ShortSeriesRecoveryTests"/>, where the shipped initial-conditions model is
/// biased by about +0.5. Each joint fit takes seconds, so the 50 fits run in parallel.
/// </summary>
public sealed class JointRecoveryTests(ITestOutputHelper output)
{
    private static readonly double Truth = new SimulationParameters().WithinEffect;

    [Fact]
    public void Joint_within_effect_is_unbiased_and_its_robust_interval_covers_in_short_series_with_strong_feedback()
    {
        var model = new JointModel(ModelCatalog.AllianceToSymptoms);
        var within = new FixedEffect[ShortSeriesFits.Seeds];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, ShortSeriesFits.Seeds, seed =>
            within[seed] = JointFitter.Fit(JointDesign.Build(ShortSeriesFits.Data(-0.10, seed + 1), model)).WithinRobust);

        var bias = within.Average(e => e.Estimate) - Truth;
        var coverage = within.Count(e => e.CiLow <= Truth && Truth <= e.CiHigh) / (double)within.Length;
        output.WriteLine($"{within[0].Term}: bias {bias:+0.000;-0.000}, coverage {coverage:P0}, mean SE {within.Average(e => e.StdError):0.000} over {within.Length} seeds; {clock.Elapsed.TotalSeconds:0} s");
        Assert.True(Math.Abs(bias) < 0.05, $"within bias {bias:F3}");
        Assert.True(coverage >= 0.9, $"within coverage {coverage:P0}");
    }
}
