using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>One rated session of one patient on one instrument and rater.</summary>
public sealed record RatedSession(int Session, double Value);

/// <summary>What an alert is about. Stored and served as <c>rupture</c>, <c>low_alliance</c>, <c>deterioration</c>, <c>unnoticed_drop</c>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<AlertKind>))]
public enum AlertKind
{
    Rupture,
    LowAlliance,

    /// <summary>Reliable deterioration on a symptom or well-being measure since the first rated session (Jacobson &amp; Truax 1991).</summary>
    Deterioration,

    /// <summary>
    /// The client's alliance rating raised a rupture while the therapist's rating of the same session stayed within its
    /// own usual range: the therapist's rating did not register the client's drop (<c>UnnoticedDropRule</c>).
    /// </summary>
    UnnoticedDrop,
}

/// <summary>
/// Where a rupture stands: still open, repaired within the window (a rupture-repair sequence), or not repaired.
/// Stored and served as <c>open</c>, <c>repaired</c>, <c>unrepaired</c>.
/// </summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<RuptureStatus>))]
public enum RuptureStatus
{
    Open,
    Repaired,
    Unrepaired,
}

/// <summary>
/// What the detector saw when it raised an alert. Depends only on sessions up to the one that raised it, so it never
/// changes when later sessions arrive. The service stores it as it is (the alert's evidence columns) and serves it as
/// it is (the alert's <c>evidence</c>): one type, no copies.
/// </summary>
/// <param name="Observed">The rating at that session.</param>
/// <param name="Baseline">
/// For a rupture (rule version 3), the rating this patient's own earlier sessions predicted (shown at most at the scale
/// maximum); for a low level, the patient's usual level (shrunken mean); for a deterioration, the score at the
/// patient's first rated session of that measure.
/// </param>
/// <param name="DropInSds">
/// For a rupture, the drop below the prediction in this clinic's prediction SDs (for two sessions in a row, of their
/// combined drop); for a low level, the distance below the clinic's mean in within-patient SDs; 0 for a
/// deterioration, which is judged in scale points against a published value, not in SDs.
/// </param>
/// <param name="Threshold">
/// What the rule needed, on the instrument's scale. For a rupture, the drop (in scale points) below the prediction an
/// alert needed at this session. For a deterioration, the reliable-change value: a worsening of at least this many
/// points raised it.
/// </param>
/// <param name="PredictionSd">
/// For a rupture: the prediction SD in scale points, as calibrated on the clinic's own errors (for two sessions, of their
/// mean drop); the drop in SDs is measured in it, from the centre of the clinic's errors.
/// </param>
/// <param name="ThresholdSds">
/// For a rupture: the threshold in prediction SDs, from the clinic's false-alert budget unless the clinic set it by hand.
/// </param>
/// <param name="Method">For a rupture: how the clinic's prediction model was calibrated (<see cref="PredictionModel.Method"/>).</param>
/// <param name="ExpectedSymptomChange">
/// From the clinic's alliance_to_symptoms model, when fitted: the change in next-session symptom points that goes with a drop this size.
/// </param>
/// <param name="FirstSession">For a deterioration: the first rated session of the measure, the one the change is measured from.</param>
/// <param name="Change">For a deterioration: the score minus the first score, signed as the scale runs (a PHQ-9 rise is positive).</param>
/// <param name="ThresholdSource">For a deterioration: where the reliable-change value comes from.</param>
/// <param name="TherapistObserved">For an unnoticed drop: the therapist's rating of the same session.</param>
/// <param name="TherapistBaseline">For an unnoticed drop: what the therapist's own earlier ratings predicted for it.</param>
/// <param name="TherapistThreshold">
/// For an unnoticed drop: the drop below <paramref name="TherapistBaseline"/>, in scale points, that the therapist's own
/// series would have needed to raise a rupture (null when the therapist's rating was at the scale maximum).
/// </param>
public sealed record AlertEvidence(
    double Observed,
    double Baseline,
    double DropInSds,
    double Threshold,
    string Rule,
    int RuleVersion,
    int CalibrationVersion,
    bool DefaultCalibration,
    double? ExpectedSymptomChange,
    string Explanation,
    double? PredictionSd = null,
    double? ThresholdSds = null,
    string? Method = null,
    int? FirstSession = null,
    double? Change = null,
    string? ThresholdSource = null,
    double? TherapistObserved = null,
    double? TherapistBaseline = null,
    double? TherapistThreshold = null);

/// <summary>An alert as it stands after the latest session: its evidence, and for a rupture its repair status.</summary>
/// <param name="Session">The session that raised the alert.</param>
/// <param name="Severity">
/// 1 (note) to 3 (act): an unrepaired rupture or a reliable deterioration is 3, an open rupture or an unnoticed drop 2, a repaired one or a low level 1.
/// </param>
/// <param name="StatusSession">The session at which the rupture was found repaired or unrepaired.</param>
public sealed record DetectedAlert(AlertKind Kind, int Session, AlertEvidence Evidence, RuptureStatus? Status, int Severity, int? StatusSession);

/// <summary>What one session was judged against.</summary>
/// <param name="Baseline">The patient's usual level from earlier sessions (shrunken mean); null before there are enough of them.</param>
/// <param name="Threshold">The one-session drop that raises a rupture here; null while a rupture is open (no new one can start).</param>
/// <param name="InRupture">True when the session falls inside an open rupture and is being tracked for repair.</param>
public sealed record SessionJudgement(int Session, double Value, double? Baseline, double? Threshold, bool InRupture);

/// <summary>A replay's alerts and the judgement of every session.</summary>
public sealed record DetectorRun(IReadOnlyList<DetectedAlert> Alerts, IReadOnlyList<SessionJudgement> Sessions);
