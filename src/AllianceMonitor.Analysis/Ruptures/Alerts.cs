namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>One rated session of one patient on one instrument and rater.</summary>
public sealed record RatedSession(int Session, double Value);

public enum AlertKind
{
    Rupture,
    LowAlliance,
}

/// <summary>Where a rupture stands: still open, repaired within the window (a rupture-repair sequence), or not repaired.</summary>
public enum RuptureStatus
{
    Open,
    Repaired,
    Unrepaired,
}

/// <summary>
/// What the detector saw when it raised an alert. Depends only on sessions up to <see cref="Session"/>,
/// so it never changes when later sessions arrive.
/// </summary>
/// <param name="Session">The session that raised the alert.</param>
/// <param name="Observed">The rating at that session.</param>
/// <param name="Baseline">
/// Rupture rules (version 3): the rating the patient's own earlier sessions predicted (at most the scale maximum).
/// Low alliance: the patient's usual level (shrunken mean).
/// </param>
/// <param name="DropInSds">Rupture rules: the drop below the prediction in this clinic's prediction SDs (for two sessions, of their combined drop).</param>
/// <param name="Threshold">The drop (in scale points) an alert needed at this session.</param>
/// <param name="PredictionSd">Rupture rules: the SD of the prediction in scale points (the clinic's prediction SD for this session).</param>
/// <param name="ThresholdSds">Rupture rules: the threshold in prediction SDs (from the clinic's false-alert budget unless set by hand).</param>
/// <param name="Method">Rupture rules: how the prediction model was calibrated (<see cref="PredictionModel.Method"/>).</param>
/// <param name="ExpectedSymptomChange">
/// From the clinic's alliance_to_symptoms model: the change in next-session symptoms that goes with a drop this size.
/// </param>
public sealed record AlertEvidence(
    AlertKind Kind,
    int Session,
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
    string? Method = null);

/// <summary>An alert as it stands after the latest session: its evidence, and for a rupture its repair status.</summary>
/// <param name="Severity">1 (note) to 3 (act): an unrepaired rupture is 3, an open one 2, a repaired one or a low level 1.</param>
/// <param name="StatusSession">The session at which the rupture was found repaired or unrepaired.</param>
public sealed record DetectedAlert(AlertEvidence Evidence, RuptureStatus? Status, int Severity, int? StatusSession);

/// <summary>What one session was judged against.</summary>
/// <param name="Baseline">The patient's usual level from earlier sessions (shrunken mean); null before there are enough of them.</param>
/// <param name="Threshold">The one-session drop that raises a rupture here; null while a rupture is open (no new one can start).</param>
/// <param name="InRupture">True when the session falls inside an open rupture and is being tracked for repair.</param>
public sealed record SessionJudgement(int Session, double Value, double? Baseline, double? Threshold, bool InRupture);

/// <summary>A replay's alerts and the judgement of every session.</summary>
public sealed record DetectorRun(IReadOnlyList<DetectedAlert> Alerts, IReadOnlyList<SessionJudgement> Sessions);
