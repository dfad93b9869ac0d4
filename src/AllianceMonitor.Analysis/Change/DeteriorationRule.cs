using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Change;

/// <summary>
/// The <c>deterioration</c> alert: a session whose score is reliably worse than the patient's first rated session
/// (<see cref="ReliableChangeClassifier"/>). Each session is judged only on the first session and itself, so the
/// evidence never changes when later sessions arrive.
/// One alert per episode, as a rupture is one alert until it is repaired: the first reliably deteriorated session
/// raises it, the sessions that stay reliably deteriorated keep it, and only after a session that is no longer
/// reliably deteriorated can a later deterioration raise a new one.
/// </summary>
public static class DeteriorationRule
{
    public const string Rule = "deterioration.reliable_change";
    public const int RuleVersion = 1;

    /// <summary>Act: reliable worsening of symptoms or well-being is what measurement-based care exists to catch.</summary>
    public const int Severity = 3;

    /// <param name="history">The patient's scores on the measure, in session order, one per session.</param>
    public static IReadOnlyList<DetectedAlert> Replay(IReadOnlyList<RatedSession> history, InstrumentDefinition instrument, DetectorSettings settings)
    {
        if (!settings.AlertsOnDeterioration(instrument) || history.Count < 2)
        {
            return [];
        }

        var alerts = new List<DetectedAlert>();
        var inEpisode = false;
        foreach (var session in history.Skip(1))
        {
            var assessment = ReliableChangeClassifier.Classify(instrument, history[0], session)!;
            var deteriorated = assessment.Status == ChangeStatus.ReliablyDeteriorated;
            if (deteriorated && !inEpisode)
            {
                alerts.Add(new DetectedAlert(AlertKind.Deterioration, session.Session, Evidence(assessment), null, Severity, null));
            }

            inEpisode = deteriorated;
        }

        return alerts;
    }

    public static AlertEvidence Evidence(ChangeAssessment a) => new(
        a.Score, a.FirstScore, 0, a.ReliableChange, Rule, RuleVersion, CalibrationVersion: 0, DefaultCalibration: false,
        ExpectedSymptomChange: null, Explanation(a),
        FirstSession: a.FirstSession, Change: a.Change, ThresholdSource: a.Instrument.ReliableChangeSource);

    /// <summary>
    /// "Depression (PHQ-9) 15 at session 6 against 8 at the first rated session (session 1): 7 points worse, at least the
    /// 6 points that count as a reliable change (source)." WHO-5 speaks in its percentage, as practice reads it.
    /// </summary>
    public static string Explanation(ChangeAssessment a)
    {
        var i = a.Instrument;
        var worse = -a.Improvement;
        var unit = i.PercentFactor is null ? "points" : "percentage points";
        return string.Create(CultureInfo.InvariantCulture,
            $"{i.Label} {Show(i, a.Score)} at session {a.Session} against {Show(i, a.FirstScore)} at the first rated session (session {a.FirstSession}): "
            + $"{Points(i, worse)} {unit} worse, at least the {Points(i, a.ReliableChange)} that count as a reliable change ({i.ReliableChangeSource}).");
    }

    /// <summary>A score as practice reads it: the total, or for WHO-5 the percentage with the raw total beside it.</summary>
    public static string Show(InstrumentDefinition instrument, double total) => instrument.PercentFactor is { } factor
        ? string.Create(CultureInfo.InvariantCulture, $"{total * factor:0.#}% (raw {total:0.#})")
        : total.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Points(InstrumentDefinition instrument, double points) =>
        (points * (instrument.PercentFactor ?? 1)).ToString("0.#", CultureInfo.InvariantCulture);
}
