using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Agreement;

/// <summary>
/// The <c>unnoticed_drop</c> alert: the client's alliance series raises a rupture at session t while the therapist's
/// rating of the same session stays within its own baseline band, that is the therapist's own detector, judging the
/// therapist's series against its own prediction, sees nothing at t. Both judgements use only sessions up to t (the
/// detector replays in order), so the alert at t never depends on later sessions; a correction of either rating at t
/// or before is a new replay and can raise or withdraw it.
/// </summary>
/// <remarks>
/// Not raised where the therapist's rating cannot be judged: no therapist rating of session t, too few earlier
/// therapist ratings for a baseline (<see cref="DetectorSettings.MinBaselineSessions"/>), or session t inside an open
/// rupture of the therapist's own series (then the therapist's rating already shows a drop).
/// </remarks>
public static class UnnoticedDropRule
{
    public const string Rule = "unnoticed_drop.therapist_within_band";
    public const int RuleVersion = 1;

    /// <summary>Look: as an open rupture, a signal to raise in the next session, not an emergency.</summary>
    public const int Severity = 2;

    /// <param name="client">The client's series replayed by <see cref="RuptureDetector.Run"/>.</param>
    /// <param name="therapist">The therapist's series of the same patient and measure, replayed the same way against its own calibration.</param>
    public static IReadOnlyList<DetectedAlert> Find(DetectorRun client, DetectorRun therapist, InstrumentDefinition therapistForm, DetectorSettings settings)
    {
        if (!settings.UnnoticedDropAlerts)
        {
            return [];
        }

        var judged = therapist.Sessions.ToDictionary(s => s.Session);
        var therapistRuptures = therapist.Alerts.Where(a => a.Kind == AlertKind.Rupture).Select(a => a.Session).ToHashSet();
        var alerts = new List<DetectedAlert>();
        foreach (var rupture in client.Alerts.Where(a => a.Kind == AlertKind.Rupture).OrderBy(a => a.Session))
        {
            if (judged.TryGetValue(rupture.Session, out var t) && t.Baseline is { } baseline && !t.InRupture
                && !therapistRuptures.Contains(rupture.Session))
            {
                alerts.Add(new DetectedAlert(AlertKind.UnnoticedDrop, rupture.Session, Evidence(rupture.Evidence, t, baseline, therapistForm), null, Severity, null));
            }
        }

        return alerts;
    }

    /// <summary>The client's rupture evidence as it stands, plus the therapist's rating and what it was judged against.</summary>
    private static AlertEvidence Evidence(AlertEvidence client, SessionJudgement therapist, double baseline, InstrumentDefinition form)
    {
        var band = therapist.Threshold is { } drop
            ? string.Create(CultureInfo.InvariantCulture, $"; the therapist's own alerts start below about {Format(form, baseline - drop)}")
            : "";
        var text = client.Explanation + string.Create(CultureInfo.InvariantCulture,
            $" The therapist's rating of the same session ({form.Label} {Format(form, therapist.Value)}) stayed within its own usual range (predicted about {Format(form, baseline)}{band}): the therapist's rating did not register the client's drop.");
        return client with
        {
            Rule = Rule,
            RuleVersion = RuleVersion,
            Explanation = text,
            TherapistObserved = therapist.Value,
            TherapistBaseline = baseline,
            TherapistThreshold = therapist.Threshold,
        };
    }

    private static string Format(InstrumentDefinition instrument, double value) =>
        value.ToString(instrument.IntegerItems && instrument.Aggregation == Aggregation.Sum ? "0" : "0.0#", CultureInfo.InvariantCulture);
}
