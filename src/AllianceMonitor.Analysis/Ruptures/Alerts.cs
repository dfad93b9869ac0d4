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
/// <param name="Baseline">The patient's usual level before it (shrunken mean of earlier sessions).</param>
/// <param name="DropInSds">The drop from the baseline in this clinic's within-patient SDs.</param>
/// <param name="Threshold">
/// The drop (in scale points) an alert needed: the larger of the reliable change and K prediction SDs (SustainedK for
/// the two-low-sessions rule, whose <see cref="DropInSds"/> is the smaller of its two drops).
/// </param>
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
    string Explanation);

/// <summary>An alert as it stands after the latest session: its evidence, and for a rupture its repair status.</summary>
/// <param name="Severity">1 (note) to 3 (act): an unrepaired rupture is 3, an open one 2, a repaired one or a low level 1.</param>
/// <param name="StatusSession">The session at which the rupture was found repaired or unrepaired.</param>
public sealed record DetectedAlert(AlertEvidence Evidence, RuptureStatus? Status, int Severity, int? StatusSession);
