using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Webhooks;

namespace AllianceMonitor.Api.Alerts;

/// <summary>
/// The webhook payload of an alert event. It is deliberately thin: no ratings, baseline or explanation leave the
/// service in a push; a receiver that needs the evidence reads <c>GET /api/v1/alerts/{alertId}</c> with its own key.
/// </summary>
public sealed record AlertEventData(
    Guid AlertId,
    string PatientId,
    string? TherapistId,
    AlertKind Kind,
    string Instrument,
    Rater Rater,
    int Session,
    AlertStatus Status,
    RuptureStatus? RuptureStatus,
    int Severity,
    DateTimeOffset UpdatedAt,
    string Href);

public static class AlertEvents
{
    /// <summary>Adds the event to the request's unit of work, so it commits with the alert change or not at all.</summary>
    public static void Enqueue(AllianceDbContext db, Alert alert, Patient patient, bool created) =>
        WebhookOutbox.Enqueue(db, alert.ClinicId, TypeOf(created), Data(alert, patient), alert.UpdatedAt);

    /// <param name="subscribedEvents">The event types the clinic's subscriptions ask for, already read by the caller.</param>
    public static void Enqueue(AllianceDbContext db, Alert alert, Patient patient, bool created, IReadOnlySet<string> subscribedEvents) =>
        WebhookOutbox.Enqueue(db, alert.ClinicId, TypeOf(created), Data(alert, patient), alert.UpdatedAt, subscribedEvents);

    private static string TypeOf(bool created) => created ? WebhookEvents.AlertCreated : WebhookEvents.AlertUpdated;

    private static AlertEventData Data(Alert alert, Patient patient) =>
        new(alert.Id, patient.ExternalId, patient.Therapist?.ExternalId, alert.Kind, alert.Instrument, alert.Rater,
            alert.Session, alert.Status, alert.RuptureStatus, alert.Severity, alert.UpdatedAt, $"/api/v1/alerts/{alert.Id}");
}
