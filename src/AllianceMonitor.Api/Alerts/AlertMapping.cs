using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Alerts;

public static class AlertMapping
{
    /// <summary>Maps an alert whose patient (and the patient's therapist) is loaded.</summary>
    public static AlertResponse ToResponse(Alert a) => new(
        a.Id,
        a.Patient!.ExternalId,
        a.Patient.Therapist?.ExternalId,
        a.Instrument,
        a.Rater,
        a.Kind,
        a.Session,
        a.Status,
        a.RuptureStatus,
        a.StatusSession,
        a.Severity,
        a.Evidence,
        a.CreatedAt,
        a.UpdatedAt,
        a.AcknowledgedAt is { } ackAt ? new AlertActionResponse(ackAt, a.AcknowledgedBy, a.AcknowledgeNote) : null,
        a.ResolvedAt is { } resAt ? new AlertActionResponse(resAt, a.ResolvedBy, a.ResolveNote) : null);
}
