using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

/// <summary>The clinic's within-patient scale, estimated so that dips and trends do not inflate it, and thresholds from a budget.</summary>
public sealed class RobustCalibrationTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;

    private static readonly Calibration CleanClinic =
        Calibration.FromRatings(WaiSr, TestClinic.Simulate(800, 5, dipShare: 0, slopeSd: 0), 1, DetectorSettings.Default);

    /// <summary>The scale the thresholds are set in: the noise SD times the null errors' SD.</summary>
    private static double Effective(Calibration c) => c.Model!.NoiseSd * c.Model.NullScale;

    [Fact]
    public void Dips_inflate_the_null_model_within_sd_but_barely_the_robust_scale()
    {
        // Two-session dips of 3.5 SDs in 40% of the patients: about 7% of all sessions.
        var dips = Calibration.FromRatings(WaiSr, TestClinic.Simulate(800, 5, dipShare: 0.4, dipSds: 3.5, slopeSd: 0), 1, DetectorSettings.Default);

        var robustGrowth = Effective(dips) / Effective(CleanClinic);
        var nullGrowth = dips.WithinSd / CleanClinic.WithinSd;
        Assert.True(robustGrowth < 1.10, $"robust scale grew by {robustGrowth:0.000}");
        Assert.True(nullGrowth > robustGrowth + 0.2, $"null-model within SD grew by {nullGrowth:0.000}, robust by {robustGrowth:0.000}");
        Assert.InRange(CleanClinic.Model!.NoiseSd, 0.21, 0.29);
        Assert.Equal(PredictionModel.RobustMethod, dips.Model!.Method);
    }

    [Fact]
    public void Patient_trends_inflate_the_null_model_within_sd_but_not_the_robust_scale()
    {
        var trends = Calibration.FromRatings(WaiSr, TestClinic.Simulate(800, 5, dipShare: 0, slopeSd: 0.04), 1, DetectorSettings.Default);

        var robustGrowth = Effective(trends) / Effective(CleanClinic);
        var nullGrowth = trends.WithinSd / CleanClinic.WithinSd;
        Assert.True(robustGrowth < 1.05, $"robust scale grew by {robustGrowth:0.000}");
        Assert.True(nullGrowth > robustGrowth + 0.08, $"null-model within SD grew by {nullGrowth:0.000}, robust by {robustGrowth:0.000}");
    }

    [Fact]
    public void The_fit_finds_the_serial_correlation_and_the_trend_spread_roughly()
    {
        var model = Calibration.FromRatings(WaiSr, TestClinic.Simulate(1000, 7, slopeSd: 0.04), 1, DetectorSettings.Default).Model!;
        Assert.InRange(model.Phi, 0.1, 0.5);
        Assert.InRange(model.SlopeSd, 0.02, 0.06);
        Assert.InRange(model.NullScale, 0.85, 1.2);
    }

    [Fact]
    public void The_threshold_from_the_budget_is_the_normal_quantile_of_the_per_session_share()
    {
        var model = new PredictionModel(PredictionModel.RobustMethod, 0.25, 0.3, 4.2, 0.45, 0, 0.02, 0, 1, 0.8);
        var thresholds = Thresholds.For(DetectorSettings.Default, model);
        var perSession = 0.5 / 100 / 0.8;
        Assert.Equal(StandardNormal.UpperQuantile((1 - Thresholds.TwoSessionShare) * perSession), thresholds.OneSession, 12);
        Assert.Equal(StandardNormal.UpperQuantile(Thresholds.TwoSessionShare * perSession), thresholds.TwoSessions, 12);
        Assert.True(thresholds.FromBudget);

        var byHand = Thresholds.For(DetectorSettings.Default with { K = 3.1 }, model);
        Assert.Equal((3.1, false), (byHand.OneSession, byHand.FromBudget));
        Assert.True(Thresholds.For(DetectorSettings.Default with { FalseAlertBudget = 1.0 }, model).OneSession < thresholds.OneSession);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void On_null_data_the_false_alert_rate_is_near_the_budget_and_not_above_it(double budget)
    {
        // Calibrated on one draw of a clinic without ruptures, judged on another: the budget is a rate per 100 sessions.
        var settings = DetectorSettings.Default with { FalseAlertBudget = budget };
        var calibration = Calibration.FromRatings(WaiSr, TestClinic.Simulate(1500, 11), 1, settings);
        var judged = TestClinic.Simulate(3000, 12);
        var alerts = judged.GroupBy(o => o.PatientId).Sum(p => RuptureDetector.Replay(
            p.Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList(), WaiSr, calibration, settings)
            .Count(a => a.Kind == AlertKind.Rupture));
        var per100 = 100.0 * alerts / judged.Count;
        Assert.InRange(per100, 0.3 * budget, 1.2 * budget);
    }
}
