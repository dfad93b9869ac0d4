using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Webhooks;

namespace AllianceMonitor.Api.Forms;

/// <summary>
/// The payload of <c>form.completed</c>. Thin like the alert events: which link, patient and session, and which
/// forms, never the answers or scores; a receiver reads the session with its own key at <see cref="Href"/>.
/// </summary>
public sealed record FormCompletedData(
    Guid FormLinkId,
    string PatientId,
    int Session,
    Rater Rater,
    IReadOnlyList<FormInstrumentResponse> Instruments,
    DateTimeOffset CompletedAt,
    string Href);

public static class FormEvents
{
    /// <summary>Adds the event to the submission's unit of work, so it commits with the ratings or not at all.</summary>
    public static void Enqueue(AllianceDbContext db, FormLink link, string patientId, DateTimeOffset now)
    {
        var data = new FormCompletedData(link.Id, patientId, link.SessionNumber, link.Rater,
            link.Instruments.OrderBy(i => i.Position).Select(i => new FormInstrumentResponse(i.Instrument, i.Timing)).ToList(),
            now, $"/api/v1/patients/{patientId}/sessions/{link.SessionNumber}/revisions");
        WebhookOutbox.Enqueue(db, link.ClinicId, WebhookEvents.FormCompleted, data, now);
    }
}
