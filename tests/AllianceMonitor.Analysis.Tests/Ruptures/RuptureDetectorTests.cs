using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

public sealed class RuptureDetectorTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private static readonly InstrumentDefinition Srs = InstrumentCatalog.Find("srs")!;

    // A clinic calibrated on its own data: within SD .25, between variance .2, grand mean 4.2.
    private static readonly Calibration Clinic = new("wai-sr", 7, false, 4.2, 0.2, 0.25, 3.5, 120, 1400);

    private static List<RatedSession> History(params double[] values) =>
        values.Select((v, i) => new RatedSession(i + 1, v)).ToList();

    private static IReadOnlyList<DetectedAlert> Replay(IReadOnlyList<RatedSession> history, DetectorSettings? settings = null) =>
        RuptureDetector.Replay(history, WaiSr, Clinic, settings ?? DetectorSettings.Default);

    [Fact]
    public void The_threshold_is_the_larger_of_the_reliable_change_and_k_sds()
    {
        // SEM = sqrt(.2 + .0625) x sqrt(.1) = .162; RC = 1.96 x sqrt(2) x .162 = .4491; 2 x .25 = .5.
        Assert.Equal(0.4491, Clinic.ReliableChange(0.90), 4);
        var alert = Assert.Single(Replay(History(4.5, 4.5, 4.5, 3.5)));
        Assert.Equal(0.5, alert.Evidence.Threshold, 12);

        var lenient = new DetectorSettings(K: 1.0);
        Assert.Equal(Clinic.ReliableChange(0.90), Assert.Single(Replay(History(4.5, 4.5, 4.5, 3.5), lenient)).Evidence.Threshold, 12);
    }

    [Fact]
    public void A_drop_of_k_sds_below_the_shrunken_baseline_is_a_rupture_with_its_evidence()
    {
        var alert = Assert.Single(Replay(History(4.6, 4.4, 4.5, 3.75)));

        // Baseline: mean 4.5 of three sessions shrunk towards 4.2 with weight 3(.2) / (3(.2) + .0625).
        var weight = 0.6 / (0.6 + 0.0625);
        var baseline = 4.2 + (weight * 0.3);
        Assert.Equal(AlertKind.Rupture, alert.Evidence.Kind);
        Assert.Equal(4, alert.Evidence.Session);
        Assert.Equal(baseline, alert.Evidence.Baseline, 12);
        Assert.Equal((baseline - 3.75) / 0.25, alert.Evidence.DropInSds, 12);
        Assert.Equal((RuptureStatus.Open, 2), (alert.Status!.Value, alert.Severity));
        Assert.Equal(("rupture.baseline_drop", 1, 7, false), (alert.Evidence.Rule, alert.Evidence.RuleVersion, alert.Evidence.CalibrationVersion, alert.Evidence.DefaultCalibration));
        Assert.Equal("Alliance (WAI-SR) 3.75 after a usual 4.47: a drop of 2.9 times this clinic's usual session-to-session variation (alerts start at 2.0).", alert.Evidence.Explanation);
    }

    [Fact]
    public void A_drop_just_short_of_the_threshold_raises_nothing()
    {
        var weight = 0.6 / (0.6 + 0.0625);
        var baseline = 4.2 + (weight * 0.3);
        Assert.Empty(Replay(History(4.6, 4.4, 4.5, baseline - 0.499)));
        Assert.Single(Replay(History(4.6, 4.4, 4.5, baseline - 0.5)));
    }

    [Fact]
    public void Two_earlier_rated_sessions_are_needed_before_a_drop_is_judged()
    {
        Assert.Empty(Replay(History(4.8, 3.0)));
        Assert.Single(Replay(History(4.8, 4.8, 3.5)));
        Assert.Empty(Replay(History(4.8, 4.8, 3.5), new DetectorSettings(MinBaselineSessions: 3)));
    }

    [Fact]
    public void A_return_to_baseline_within_three_sessions_repairs_the_rupture()
    {
        var alert = Assert.Single(Replay(History(4.5, 4.5, 4.5, 3.6, 3.8, 4.4, 4.5)));
        Assert.Equal((RuptureStatus.Repaired, 1, 6), (alert.Status!.Value, alert.Severity, alert.StatusSession!.Value));
    }

    [Fact]
    public void No_return_within_three_sessions_leaves_the_rupture_unrepaired_with_higher_severity()
    {
        var history = History(4.5, 4.5, 4.5, 3.6, 3.7, 3.7, 3.8);
        Assert.Equal(RuptureStatus.Open, Assert.Single(Replay(history.Take(6).ToList())).Status);

        var alert = Assert.Single(Replay(history));
        Assert.Equal((RuptureStatus.Unrepaired, 3, 7), (alert.Status!.Value, alert.Severity, alert.StatusSession!.Value));
    }

    [Fact]
    public void One_episode_raises_one_alert_and_the_next_episode_is_judged_afresh()
    {
        var alerts = Replay(History(4.5, 4.5, 4.5, 3.5, 3.4, 4.5, 4.5, 4.5, 3.5, 4.5));
        Assert.Equal([4, 9], alerts.Select(a => a.Evidence.Session));
        Assert.All(alerts, a => Assert.Equal(RuptureStatus.Repaired, a.Status));

        // The repaired dip stayed out of the second baseline.
        Assert.Equal(alerts[0].Evidence.Baseline, alerts[1].Evidence.Baseline, 1);
    }

    [Fact]
    public void After_an_unrepaired_rupture_the_lower_level_becomes_the_baseline()
    {
        var alerts = Replay(History(4.5, 4.5, 4.5, 3.6, 3.6, 3.6, 3.6, 3.6, 3.6));
        var rupture = Assert.Single(alerts, a => a.Evidence.Kind == AlertKind.Rupture);
        Assert.Equal(RuptureStatus.Unrepaired, rupture.Status);
    }

    [Fact]
    public void Ratings_near_the_ceiling_that_stay_there_raise_nothing()
    {
        Assert.Empty(Replay(History(5, 5, 4.92, 5, 5, 4.83, 5, 5, 4.92, 5, 4.83, 5)));
    }

    [Fact]
    public void Alerts_at_a_session_are_the_same_whether_or_not_later_sessions_exist()
    {
        var history = History(4.5, 4.2, 4.6, 3.5, 3.9, 4.5, 3.2, 3.1, 3.3, 3.2, 4.4, 4.6, 2.9);
        var complete = Replay(history);
        for (var t = 1; t <= history.Count; t++)
        {
            var prefix = Replay(history.Take(t).ToList());
            Assert.Equal(
                complete.Where(a => a.Evidence.Session <= t).Select(a => a.Evidence),
                prefix.Select(a => a.Evidence));
        }
    }

    [Fact]
    public void A_chronically_low_level_raises_low_alliance_at_most_once_per_five_sessions()
    {
        var alerts = Replay(History(3.0, 3.1, 3.0, 3.1, 3.0, 3.1, 3.0, 3.1, 3.0, 3.1));
        var low = alerts.Where(a => a.Evidence.Kind == AlertKind.LowAlliance).ToList();

        Assert.Equal([3, 8], low.Select(a => a.Evidence.Session));
        Assert.Equal(("low_alliance.lowest_decile", 1), (low[0].Evidence.Rule, low[0].Severity));
        Assert.DoesNotContain(alerts, a => a.Evidence.Kind == AlertKind.Rupture);
        Assert.Contains("lowest tenth", low[0].Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Srs_below_36_raises_low_alliance_with_the_pcoms_rule()
    {
        var calibration = Calibration.Default(Srs);
        var alerts = RuptureDetector.Replay(History(38, 37.5, 35.9), Srs, calibration, DetectorSettings.Default);

        var low = Assert.Single(alerts);
        Assert.Equal(("low_alliance.srs_threshold", 3, true), (low.Evidence.Rule, low.Evidence.Session, low.Evidence.DefaultCalibration));
        Assert.StartsWith("SRS total 35.9 is below the concern threshold of 36", low.Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_judged_against_defaults_say_so_and_carry_the_expected_symptom_change_when_known()
    {
        var calibration = Calibration.Default(WaiSr) with { SymptomEffectPerPoint = -2.0 };
        var alert = Assert.Single(RuptureDetector.Replay(History(4.5, 4.5, 4.5, 3.2), WaiSr, calibration, DetectorSettings.Default));

        Assert.True(alert.Evidence.DefaultCalibration);
        Assert.Contains("default values", alert.Evidence.Explanation, StringComparison.Ordinal);
        var drop = alert.Evidence.Baseline - 3.2;
        Assert.Equal(2.0 * drop, alert.Evidence.ExpectedSymptomChange!.Value, 12);
        Assert.Contains("symptoms about 2.", alert.Evidence.Explanation, StringComparison.Ordinal);
        Assert.Contains("points higher", alert.Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Sessions_arrive_in_any_order_and_are_judged_in_session_order()
    {
        var shuffled = new List<RatedSession> { new(4, 3.5), new(1, 4.5), new(3, 4.5), new(2, 4.5) };
        Assert.Equal(4, Assert.Single(Replay(shuffled)).Evidence.Session);
    }
}
