using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Agreement;

public sealed class UnnoticedDropRuleTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private static readonly InstrumentDefinition WaiSrT = InstrumentCatalog.Find("wai-sr-t")!;

    private static List<RatedSession> History(params double[] values) =>
        values.Select((v, i) => new RatedSession(i + 1, v)).ToList();

    private static DetectorRun Run(InstrumentDefinition instrument, params double[] values) =>
        RuptureDetector.Run(History(values), instrument, Calibration.Default(instrument), DetectorSettings.Default);

    // The client's series: steady near 4.3, then 2.9 at session 5, well past the default calibration's threshold.
    private static readonly double[] ClientDrop = [4.3, 4.2, 4.3, 4.25, 2.9];

    [Fact]
    public void A_client_rupture_with_the_therapist_rating_in_its_usual_range_raises_it_with_both_sides_in_the_evidence()
    {
        var client = Run(WaiSr, ClientDrop);
        var therapist = Run(WaiSrT, 3.9, 3.8, 3.9, 3.85, 3.85);

        var rupture = Assert.Single(client.Alerts, a => a.Kind == AlertKind.Rupture);
        var alert = Assert.Single(UnnoticedDropRule.Find(client, therapist, WaiSrT, DetectorSettings.Default));
        Assert.Equal((AlertKind.UnnoticedDrop, 5, UnnoticedDropRule.Severity), (alert.Kind, alert.Session, alert.Severity));
        Assert.Equal((UnnoticedDropRule.Rule, UnnoticedDropRule.RuleVersion), (alert.Evidence.Rule, alert.Evidence.RuleVersion));
        Assert.Equal((2.9, rupture.Evidence.Baseline, rupture.Evidence.DropInSds), (alert.Evidence.Observed, alert.Evidence.Baseline, alert.Evidence.DropInSds));
        var judged = therapist.Sessions.Single(s => s.Session == 5);
        Assert.Equal((3.85, judged.Baseline, judged.Threshold), (alert.Evidence.TherapistObserved, alert.Evidence.TherapistBaseline, alert.Evidence.TherapistThreshold));
        Assert.True(alert.Evidence.TherapistObserved > judged.Baseline - judged.Threshold);
        Assert.Contains("the therapist's rating did not register the client's drop", alert.Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_raised_when_the_therapist_rating_dropped_too()
    {
        var client = Run(WaiSr, ClientDrop);
        var therapist = Run(WaiSrT, 3.9, 3.8, 3.9, 3.85, 2.6);

        Assert.Contains(therapist.Alerts, a => a.Kind == AlertKind.Rupture && a.Session == 5);
        Assert.Empty(UnnoticedDropRule.Find(client, therapist, WaiSrT, DetectorSettings.Default));
    }

    [Fact]
    public void Not_raised_without_a_therapist_rating_of_that_session_or_without_a_therapist_baseline()
    {
        var client = Run(WaiSr, ClientDrop);
        var noRatingThen = RuptureDetector.Run(
            [new RatedSession(1, 3.9), new RatedSession(2, 3.8), new RatedSession(3, 3.9), new RatedSession(4, 3.85)],
            WaiSrT, Calibration.Default(WaiSrT), DetectorSettings.Default);
        var tooFewBefore = RuptureDetector.Run([new RatedSession(4, 3.85), new RatedSession(5, 3.85)], WaiSrT, Calibration.Default(WaiSrT), DetectorSettings.Default);

        Assert.Empty(UnnoticedDropRule.Find(client, noRatingThen, WaiSrT, DetectorSettings.Default));
        Assert.Empty(UnnoticedDropRule.Find(client, tooFewBefore, WaiSrT, DetectorSettings.Default));
        Assert.Empty(UnnoticedDropRule.Find(client, new DetectorRun([], []), WaiSrT, DetectorSettings.Default));
    }

    [Fact]
    public void Not_raised_inside_an_open_rupture_of_the_therapist_series()
    {
        var client = Run(WaiSr, ClientDrop);
        var therapist = new DetectorRun([], [new SessionJudgement(5, 3.0, 3.9, null, InRupture: true)]);

        Assert.Empty(UnnoticedDropRule.Find(client, therapist, WaiSrT, DetectorSettings.Default));
    }

    [Fact]
    public void Not_raised_without_a_client_rupture_nor_when_the_clinic_switched_it_off()
    {
        var therapist = Run(WaiSrT, 3.9, 3.8, 3.9, 3.85, 3.85);

        Assert.Empty(UnnoticedDropRule.Find(Run(WaiSr, 4.3, 4.2, 4.3, 4.25, 4.2), therapist, WaiSrT, DetectorSettings.Default));
        Assert.Empty(UnnoticedDropRule.Find(Run(WaiSr, ClientDrop), therapist, WaiSrT, DetectorSettings.Default with { UnnoticedDropAlerts = false }));
    }

    [Fact]
    public void Later_sessions_do_not_change_the_alert_at_session_t()
    {
        var upToT = UnnoticedDropRule.Find(Run(WaiSr, ClientDrop), Run(WaiSrT, 3.9, 3.8, 3.9, 3.85, 3.85), WaiSrT, DetectorSettings.Default);
        var withLater = UnnoticedDropRule.Find(
            Run(WaiSr, [.. ClientDrop, 3.0, 4.3]), Run(WaiSrT, 3.9, 3.8, 3.9, 3.85, 3.85, 2.5, 2.4), WaiSrT, DetectorSettings.Default);

        Assert.Equal(upToT.Single(), withLater.Single());
    }

    [Fact]
    public void The_wai_sr_is_compared_with_the_therapist_form_first_and_the_srs_with_itself()
    {
        Assert.Equal(["wai-sr-t", "wai-sr"], TherapistForms.Of("wai-sr"));
        Assert.Equal(["srs"], TherapistForms.Of("srs"));
        Assert.DoesNotContain(TherapistForms.ClientForms, i => i.Code == "wai-sr-t");
    }
}
