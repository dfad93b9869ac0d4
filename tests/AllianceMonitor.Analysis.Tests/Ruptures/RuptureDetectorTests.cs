using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

public sealed class RuptureDetectorTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private static readonly InstrumentDefinition Srs = InstrumentCatalog.Find("srs")!;

    // A clinic calibrated on its own data: within SD .25, between variance .2, grand mean 4.2, and its prediction model
    // (noise SD .25, AR(1) .3, level 4.2 +- .45, no mean trend, slopes +- .02, null errors standard normal, 75% judged).
    private static readonly PredictionModel Model = new(PredictionModel.RobustMethod, 0.25, 0.3, 4.2, 0.45, 0, 0.02, 0, 1, 0.75);
    private static readonly Calibration Clinic = new("wai-sr", 7, false, 4.2, 0.2, 0.25, 3.5, 120, 1400, Model: Model);

    // Budget .5 per 100 sessions over 75% judged sessions: a tail of .00667 per session, three quarters of it for one session.
    private static readonly double K1 = StandardNormal.UpperQuantile(0.75 * 0.005 / 0.75);

    private static List<RatedSession> History(params double[] values) =>
        values.Select((v, i) => new RatedSession(i + 1, v)).ToList();

    private static IReadOnlyList<DetectedAlert> Replay(IReadOnlyList<RatedSession> history, DetectorSettings? settings = null) =>
        RuptureDetector.Replay(history, WaiSr, Clinic, settings ?? DetectorSettings.Default);

    /// <summary>What the filter predicts for the session after <paramref name="values"/>.</summary>
    private static Prediction PredictAfter(params double[] values)
    {
        var filter = new TrendFilter(Model, 1.0 / 12);
        for (var i = 0; i < values.Length; i++)
        {
            filter.Update(i + 1, values[i], null);
        }

        return filter.Predict(values.Length + 1);
    }

    [Fact]
    public void The_threshold_is_k_prediction_sds_with_k_from_the_false_alert_budget()
    {
        Assert.Equal(2.5758, K1, 4);
        var prediction = PredictAfter(4.5, 4.5, 4.5);
        var alert = Assert.Single(Replay(History(4.5, 4.5, 4.5, 3.5)));
        Assert.Equal(K1, alert.Evidence.ThresholdSds!.Value, 12);
        Assert.Equal(K1 * prediction.Sd, alert.Evidence.Threshold, 12);
        Assert.Equal(prediction.Sd, alert.Evidence.PredictionSd!.Value, 12);
        Assert.Equal(PredictionModel.RobustMethod, alert.Evidence.Method);
    }

    [Fact]
    public void A_drop_of_k_prediction_sds_below_the_prediction_is_a_rupture_with_its_evidence()
    {
        var prediction = PredictAfter(4.6, 4.4, 4.5);
        var alert = Assert.Single(Replay(History(4.6, 4.4, 4.5, 3.6)));

        Assert.Equal(AlertKind.Rupture, alert.Kind);
        Assert.Equal(4, alert.Session);
        Assert.Equal(prediction.Mean, alert.Evidence.Baseline, 12);
        Assert.Equal((prediction.Mean - 3.6) / prediction.Sd, alert.Evidence.DropInSds, 12);
        Assert.Equal((RuptureStatus.Open, 2), (alert.Status!.Value, alert.Severity));
        Assert.Equal(("rupture.prediction_drop", 3, 7, false), (alert.Evidence.Rule, alert.Evidence.RuleVersion, alert.Evidence.CalibrationVersion, alert.Evidence.DefaultCalibration));
        Assert.Equal(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Alliance (WAI-SR) 3.6 where this patient's own earlier ratings predicted about {prediction.Mean:0.0#}: a drop of {(prediction.Mean - 3.6) / prediction.Sd:0.0} prediction SDs (alerts start at 2.6, where this clinic's own ratings give about 0.5 false alerts per 100 sessions)."),
            alert.Evidence.Explanation);
    }

    [Fact]
    public void A_drop_just_short_of_the_threshold_raises_nothing()
    {
        var prediction = PredictAfter(4.6, 4.4, 4.5);
        var atThreshold = prediction.Mean - (K1 * prediction.Sd);
        Assert.Empty(Replay(History(4.6, 4.4, 4.5, atThreshold + 0.001)));
        Assert.Single(Replay(History(4.6, 4.4, 4.5, atThreshold - 1e-9)));
    }

    [Fact]
    public void A_k_set_by_hand_replaces_the_budget()
    {
        // A drop of 2.3 prediction SDs: short of the budget's 2.58, an alert under a hand-set k = 2.
        var prediction = PredictAfter(4.5, 4.5, 4.5);
        var history = History(4.5, 4.5, 4.5, prediction.Mean - (2.3 * prediction.Sd));
        Assert.Empty(Replay(history));
        var alert = Assert.Single(Replay(history, new DetectorSettings(K: 2.0)));
        Assert.Contains("as set by this clinic", alert.Evidence.Explanation, StringComparison.Ordinal);

        // A larger budget lowers the threshold too.
        Assert.Single(Replay(history, new DetectorSettings(FalseAlertBudget: 2.0)));
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
        Assert.Equal([4, 9], alerts.Select(a => a.Session));
        Assert.All(alerts, a => Assert.Equal(RuptureStatus.Repaired, a.Status));

        // The repaired dip stayed out of the second baseline.
        Assert.Equal(alerts[0].Evidence.Baseline, alerts[1].Evidence.Baseline, 1);
    }

    [Fact]
    public void After_an_unrepaired_rupture_the_lower_level_becomes_the_baseline()
    {
        var alerts = Replay(History(4.5, 4.5, 4.5, 3.6, 3.6, 3.6, 3.6, 3.6, 3.6));
        var rupture = Assert.Single(alerts, a => a.Kind == AlertKind.Rupture);
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
                complete.Where(a => a.Session <= t).Select(a => (a.Kind, a.Session, a.Evidence)),
                prefix.Select(a => (a.Kind, a.Session, a.Evidence)));
        }
    }

    [Fact]
    public void Two_low_sessions_in_a_row_are_a_rupture_when_neither_alone_is_deep_enough()
    {
        // 3.8 is about 2.3 prediction SDs below the prediction: short of k = 3.2; the pair's combined drop is about 2.65.
        var settings = new DetectorSettings(K: 3.2, SustainedK: 2.5);
        Assert.Empty(Replay(History(4.5, 4.5, 4.5, 3.8), settings));
        Assert.Empty(Replay(History(4.5, 4.5, 4.5, 3.8, 4.5), settings));

        var alert = Assert.Single(Replay(History(4.5, 4.5, 4.5, 3.8, 3.8), settings));
        Assert.Equal(("rupture.two_low_sessions", 5, RuptureStatus.Open, 2), (alert.Evidence.Rule, alert.Session, alert.Status!.Value, alert.Severity));

        // Judged against the prediction made before the first low session: session 5 as if session 4 were missing.
        var filter = new TrendFilter(Model, 1.0 / 12);
        for (var t = 1; t <= 3; t++)
        {
            filter.Update(t, 4.5, null);
        }

        var (first, second, covariance) = filter.PredictPair(4, 5);
        var combinedSd = Math.Sqrt((first.Sd * first.Sd) + (second.Sd * second.Sd) + (2 * covariance));
        Assert.Equal(second.Mean, alert.Evidence.Baseline, 12);
        Assert.Equal((first.Mean - 3.8 + second.Mean - 3.8) / combinedSd, alert.Evidence.DropInSds, 12);
        Assert.Equal(2.5, alert.Evidence.ThresholdSds!.Value, 12);
        Assert.StartsWith("Alliance (WAI-SR) 3.8 and then 3.8 where this patient's own earlier ratings predicted about", alert.Evidence.Explanation, StringComparison.Ordinal);

        Assert.Empty(Replay(History(4.5, 4.5, 4.5, 3.8, 3.8), settings with { SustainedK = double.PositiveInfinity }));
    }

    [Fact]
    public void Two_low_sessions_are_repaired_or_left_unrepaired_counting_from_the_alert()
    {
        var settings = new DetectorSettings(K: 3.2, SustainedK: 2.5);
        var repaired = Assert.Single(Replay(History(4.5, 4.5, 4.5, 3.8, 3.8, 4.4), settings));
        Assert.Equal((RuptureStatus.Repaired, 1, 6), (repaired.Status!.Value, repaired.Severity, repaired.StatusSession!.Value));

        var history = History(4.5, 4.5, 4.5, 3.8, 3.8, 3.8, 3.8, 3.8);
        Assert.Equal(RuptureStatus.Open, Assert.Single(Replay(history.Take(7).ToList(), settings)).Status);
        var unrepaired = Assert.Single(Replay(history, settings), a => a.Kind == AlertKind.Rupture);
        Assert.Equal((RuptureStatus.Unrepaired, 3, 8), (unrepaired.Status!.Value, unrepaired.Severity, unrepaired.StatusSession!.Value));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(2.0, 1.5)]
    public void On_simulated_patients_no_alert_depends_on_a_later_session(double? k, double? sustainedK)
    {
        var settings = new DetectorSettings(K: k, SustainedK: sustainedK);
        var data = SessionSimulator.Simulate(600, 17);
        var calibration = Calibration.FromRatings(WaiSr, SessionSimulator.Simulate(600, 1017).Observations, 1, settings);
        var rules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var patient in data.Observations.Where(o => o.Alliance.HasValue).GroupBy(o => o.PatientId, StringComparer.Ordinal))
        {
            var history = patient.Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList();
            var complete = RuptureDetector.Replay(history, WaiSr, calibration, settings);
            rules.UnionWith(complete.Select(a => a.Evidence.Rule));
            foreach (var t in history.Select(h => h.Session))
            {
                var prefix = RuptureDetector.Replay(history.Where(h => h.Session <= t).ToList(), WaiSr, calibration, settings);
                var expected = complete.Where(a => a.Session <= t).ToList();
                Assert.Equal(expected.Select(a => (a.Kind, a.Session, a.Evidence)), prefix.Select(a => (a.Kind, a.Session, a.Evidence)));

                // A status settled by session t is already settled in the prefix; a later one is still open there.
                Assert.Equal(
                    expected.Select(a => a.StatusSession <= t ? (a.Status, a.StatusSession) : (a.Status is null ? null : RuptureStatus.Open, null)),
                    prefix.Select(a => (a.Status, a.StatusSession)));
            }
        }

        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { RuptureDetector.RuptureRule, RuptureDetector.TwoLowRule, RuptureDetector.LowLevelRule }, rules);
    }

    [Fact]
    public void A_chronically_low_level_raises_low_alliance_at_most_once_per_five_sessions()
    {
        var alerts = Replay(History(3.0, 3.1, 3.0, 3.1, 3.0, 3.1, 3.0, 3.1, 3.0, 3.1));
        var low = alerts.Where(a => a.Kind == AlertKind.LowAlliance).ToList();

        Assert.Equal([3, 8], low.Select(a => a.Session));
        Assert.Equal(("low_alliance.lowest_decile", 1), (low[0].Evidence.Rule, low[0].Severity));
        Assert.DoesNotContain(alerts, a => a.Kind == AlertKind.Rupture);
        Assert.Contains("lowest tenth", low[0].Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Srs_below_36_raises_low_alliance_with_the_pcoms_rule()
    {
        var calibration = Calibration.Default(Srs);
        var alerts = RuptureDetector.Replay(History(38, 37.5, 35.9), Srs, calibration, DetectorSettings.Default);

        var low = Assert.Single(alerts);
        Assert.Equal(("low_alliance.srs_threshold", 3, true), (low.Evidence.Rule, low.Session, low.Evidence.DefaultCalibration));
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
        Assert.Equal(4, Assert.Single(Replay(shuffled)).Session);
    }
}
