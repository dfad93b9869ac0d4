using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>
/// What the webhook tables may keep. Events carry patient ids, so they go when the patient is erased and, once every
/// delivery of them is finished, after the retention period; deliveries go with their event.
/// </summary>
public static class WebhookRetention
{
    /// <summary>
    /// Removes every event about the patient, delivered or not, and with them their deliveries (cascade): an erased
    /// patient's id must not stay in the outbox, nor be sent to a receiver after the erasure. Runs in the caller's
    /// transaction, so the erasure is all or nothing.
    /// </summary>
    public static Task<int> ErasePatientAsync(AllianceDbContext db, Guid clinicId, Guid patientId, string externalId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM webhook_outbox
            WHERE clinic_id = {clinicId}
              AND (body::jsonb -> 'data' ->> 'patientId' = {externalId} OR strpos(body, {patientId.ToString()}) > 0)
            """,
            cancellationToken);

    /// <summary>Deletes events dispatched before <paramref name="now"/> minus the retention whose deliveries are all finished.</summary>
    public static Task<int> PruneAsync(AllianceDbContext db, DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        var cutoff = (now - retention).ToUniversalTime();
        return db.Database.ExecuteSqlAsync(
            $"""
            DELETE FROM webhook_outbox o
            WHERE o.dispatched_at < {cutoff}
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = o.id AND d.status = {DeliveryStatus.Pending})
            """,
            cancellationToken);
    }
}
