namespace AllianceMonitor.Analysis.Data;

/// <summary>One session of one patient. A missing rating is <c>null</c>.</summary>
/// <param name="PatientId">Patient identifier; the grouping factor of every model.</param>
/// <param name="TherapistId">Therapist identifier, or <c>null</c> when unknown.</param>
/// <param name="Session">Session number, starting at 1.</param>
/// <param name="Alliance">Alliance rating (e.g. the WAI-SR item mean, 1-5).</param>
/// <param name="Symptoms">Symptom score (e.g. the PHQ-9 total, 0-27).</param>
/// <param name="TherapistAlliance">
/// The therapist's rating of the same session's alliance, on the client rating's scale; <c>null</c> when not rated. Only the
/// agreement model reads it.
/// </param>
public sealed record SessionObservation(
    string PatientId,
    string? TherapistId,
    int Session,
    double? Alliance,
    double? Symptoms,
    double? TherapistAlliance = null);
