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
    public static IReadOnlyList<DetectedAlert> Replay(IReadOnlyList<RatedSession> history, InstrumentDefinition instrument, DetectorSettings settings) =>
        Resume(DeteriorationState.Start(instrument, settings), history, instrument, settings).Alerts;

    /// <summary>
    /// Judges <paramref name="later"/> sessions from a stored state: the first rated session and whether the last one
    /// was reliably deteriorated are all the rule carries. <see cref="Replay"/> is this from <see cref="DeteriorationState.Start"/>.
    /// Returns the alerts these sessions raised (earlier ones never change) and the state after them.
    /// </summary>
    /// <exception cref="ArgumentException">The state is for other settings or another rule version, or a session is not after its last one.</exception>
    public static (IReadOnlyList<DetectedAlert> Alerts, DeteriorationState State) Resume(
        DeteriorationState state, IEnumerable<RatedSession> later, InstrumentDefinition instrument, DetectorSettings settings)
    {
        if (!state.IsFor(instrument, settings))
        {
            throw new ArgumentException("The state was computed under other settings or another rule version: replay from the start.", nameof(state));
        }

        var alerting = settings.AlertsOnDeterioration(instrument);
        var alerts = new List<DetectedAlert>();
        foreach (var session in later)
        {
            if (session.Session <= state.LastSession)
            {
                throw new ArgumentException($"Session {session.Session} is not after the state's last session {state.LastSession}: replay from before it.", nameof(later));
            }

            if (state.First is not { } first)
            {
                state = state with { First = session, Sessions = 1, LastSession = session.Session };
                continue;
            }

            // Without alerts on this measure nothing is classified (nor can be: it may have no reliable-change value).
            var assessment = alerting ? ReliableChangeClassifier.Classify(instrument, first, session)! : null;
            var deteriorated = assessment?.Status == ChangeStatus.ReliablyDeteriorated;
            if (deteriorated && !state.InEpisode)
            {
                alerts.Add(new DetectedAlert(AlertKind.Deterioration, session.Session, Evidence(assessment!), null, Severity, null));
            }

            state = state with { InEpisode = deteriorated, Sessions = state.Sessions + 1, LastSession = session.Session };
        }

        return (alerts, state);
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

/// <summary>What <see cref="DeteriorationRule"/> carries from one session to the next.</summary>
/// <param name="Fingerprint">The instrument, the rule version and whether the clinic's settings alert on this measure.</param>
/// <param name="First">The first rated session, the one every change is measured from.</param>
/// <param name="InEpisode">Whether the last session was reliably deteriorated (then the next one raises no new alert).</param>
public sealed record DeteriorationState(int RuleVersion, string Fingerprint, int Sessions, int? LastSession, RatedSession? First, bool InEpisode)
{
    public static DeteriorationState Start(InstrumentDefinition instrument, DetectorSettings settings) =>
        new(DeteriorationRule.RuleVersion, FingerprintOf(instrument, settings), 0, null, null, false);

    public bool IsFor(InstrumentDefinition instrument, DetectorSettings settings) =>
        RuleVersion == DeteriorationRule.RuleVersion && Fingerprint == FingerprintOf(instrument, settings);

    public static string FingerprintOf(InstrumentDefinition instrument, DetectorSettings settings) =>
        string.Create(CultureInfo.InvariantCulture, $"{instrument.Code}|{DeteriorationRule.RuleVersion}|{(settings.AlertsOnDeterioration(instrument) ? "alerts" : "silent")}");
}
