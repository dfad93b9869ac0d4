using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Change;

public sealed class DeteriorationRuleTests
{
    private static readonly InstrumentDefinition Phq9 = InstrumentCatalog.Find("phq-9")!;
    private static readonly InstrumentDefinition Who5 = InstrumentCatalog.Find("who-5")!;

    private static List<RatedSession> History(params double[] values) =>
        values.Select((v, i) => new RatedSession(i + 1, v)).ToList();

    [Fact]
    public void The_first_reliably_worse_session_raises_one_alert_that_later_worse_sessions_keep()
    {
        var alerts = DeteriorationRule.Replay(History(8, 13, 14, 16, 15), Phq9, DetectorSettings.Default);

        var alert = Assert.Single(alerts);
        Assert.Equal((AlertKind.Deterioration, 3, DeteriorationRule.Severity), (alert.Kind, alert.Session, alert.Severity));
        Assert.Equal((14.0, 8.0, 6.0, 6.0, 1), (alert.Evidence.Observed, alert.Evidence.Baseline, alert.Evidence.Change, alert.Evidence.Threshold, alert.Evidence.FirstSession));
        Assert.Equal(Phq9.ReliableChangeSource, alert.Evidence.ThresholdSource);
        Assert.Equal((DeteriorationRule.Rule, DeteriorationRule.RuleVersion), (alert.Evidence.Rule, alert.Evidence.RuleVersion));
    }

    [Fact]
    public void A_new_episode_after_a_session_back_within_reliable_change_raises_a_second_alert()
    {
        var alerts = DeteriorationRule.Replay(History(8, 14, 12, 15), Phq9, DetectorSettings.Default);

        Assert.Equal([2, 4], alerts.Select(a => a.Session));
    }

    [Fact]
    public void Five_points_worse_on_the_phq9_is_no_alert()
    {
        Assert.Empty(DeteriorationRule.Replay(History(8, 13, 13), Phq9, DetectorSettings.Default));
    }

    [Fact]
    public void A_session_judged_uses_only_the_first_session_and_itself()
    {
        var before = DeteriorationRule.Replay(History(8, 14), Phq9, DetectorSettings.Default);
        var after = DeteriorationRule.Replay(History(8, 14, 2, 27), Phq9, DetectorSettings.Default);

        Assert.Equal(Assert.Single(before).Evidence, after[0].Evidence);
    }

    [Fact]
    public void Well_being_deteriorates_downwards_and_speaks_in_percentages()
    {
        var alert = Assert.Single(DeteriorationRule.Replay(History(15, 13, 12), Who5, DetectorSettings.Default));

        Assert.Equal(3, alert.Session);
        Assert.Equal(-3.0, alert.Evidence.Change);
        Assert.Equal(
            "Well-being (WHO-5) 48% (raw 12) at session 3 against 60% (raw 15) at the first rated session (session 1): 12 percentage points worse, "
            + "at least the 10 that count as a reliable change (" + Who5.ReliableChangeSource + ").",
            alert.Evidence.Explanation);
    }

    [Fact]
    public void The_sentence_names_the_scores_the_change_and_the_source()
    {
        var alert = Assert.Single(DeteriorationRule.Replay(History(4, 11), Phq9, DetectorSettings.Default));

        Assert.Equal(
            "Depression (PHQ-9) 11 at session 2 against 4 at the first rated session (session 1): 7 points worse, at least the 6 that count as a reliable change ("
            + Phq9.ReliableChangeSource + ").",
            alert.Evidence.Explanation);
    }

    [Fact]
    public void Settings_switch_it_off_or_narrow_the_instruments()
    {
        var worse = History(4, 11);

        Assert.Empty(DeteriorationRule.Replay(worse, Phq9, DetectorSettings.Default with { DeteriorationAlerts = false }));
        Assert.Empty(DeteriorationRule.Replay(worse, Phq9, DetectorSettings.Default with { DeteriorationInstruments = ["gad-7"] }));
        Assert.Single(DeteriorationRule.Replay(worse, Phq9, DetectorSettings.Default with { DeteriorationInstruments = ["phq-9"] }));
    }

    [Fact]
    public void By_default_every_outcome_measure_with_a_reliable_change_value_is_watched_as_the_settings_document_says()
    {
        Assert.Equal(["phq-9", "gad-7", "who-5", "ors", "core-10", "oq-45"], InstrumentCatalog.WithReliableChange.Select(i => i.Code));
        Assert.All(InstrumentCatalog.WithReliableChange, i => Assert.True(DetectorSettings.Default.AlertsOnDeterioration(i)));
        Assert.All(InstrumentCatalog.Alliance, i => Assert.False(DetectorSettings.Default.AlertsOnDeterioration(i)));
    }
}
