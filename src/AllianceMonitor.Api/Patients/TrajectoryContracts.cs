using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Patients;

/// <summary>A patient's course: each alliance series as the detector judged it, the symptom scores, and the alerts.</summary>
/// <param name="Agreement">Per client alliance measure the therapist has also rated: how the two sides' ratings of the same sessions agree.</param>
public sealed record TrajectoryResponse(
    string PatientId,
    string? TherapistId,
    IReadOnlyList<AllianceTrajectory> Alliance,
    IReadOnlyList<ScoreTrajectory> Symptoms,
    IReadOnlyList<Alerts.AlertResponse> Alerts,
    IReadOnlyList<PatientAgreementResponse> Agreement);

/// <param name="WithinSd">The clinic's session-to-session SD on this instrument (the unit of deviationSds).</param>
/// <param name="K">The one-session threshold in prediction SDs (from the clinic's false-alert budget unless set by hand); the band's lower edge is this far below the prediction.</param>
public sealed record AllianceTrajectory(
    string Instrument,
    Rater Rater,
    int CalibrationVersion,
    bool DefaultCalibration,
    double WithinSd,
    double K,
    IReadOnlyList<AlliancePoint> Points);

/// <param name="Baseline">The patient's usual level from earlier sessions only (shrunken person mean); null for the first sessions.</param>
/// <param name="Deviation">Value minus baseline: the within-patient part of this rating.</param>
/// <param name="DeviationSds">The deviation in the clinic's within-patient SDs.</param>
/// <param name="BandLower">A rating below this raised a rupture; null while a rupture is open, when no new one can start.</param>
/// <param name="InRupture">The session falls inside an open rupture and is measured against the level it broke from.</param>
public sealed record AlliancePoint(
    int Session,
    DateOnly? OccurredOn,
    double Value,
    double? Baseline,
    double? Deviation,
    double? DeviationSds,
    double? BandLower,
    double? BandUpper,
    bool InRupture);

public sealed record ScoreTrajectory(string Instrument, Rater Rater, IReadOnlyList<ScorePoint> Points);

public sealed record ScorePoint(int Session, DateOnly? OccurredOn, double Value, string? Band);
