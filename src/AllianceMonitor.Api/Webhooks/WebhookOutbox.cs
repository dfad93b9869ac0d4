using System.Text.Json;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Webhooks;

public static class WebhookEvents
{
    public const string AlertCreated = "alert.created";
    public const string AlertUpdated = "alert.updated";
    public const string FormCompleted = "form.completed";
    public const string Ping = "webhook.ping";

    /// <summary>The events a subscription may ask for. A ping is sent on request only, so it is not among them.</summary>
    public static IReadOnlyList<string> Subscribable { get; } = [AlertCreated, AlertUpdated, FormCompleted];
}

/// <summary>
/// Records an event in the caller's unit of work. Nothing is sent here: the row commits or rolls back with the
/// change it reports, and the dispatcher delivers it after commit.
/// </summary>
public static class WebhookOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <returns>The event, or null when no subscription of the clinic asks for this type: nothing is stored then, so a
    /// clinic without webhooks does not accumulate rows that carry patient ids.</returns>
    public static OutboxEvent? Enqueue(AllianceDbContext db, Guid clinicId, string eventType, object data, DateTimeOffset now) =>
        db.WebhookSubscriptions.AsNoTracking().Any(s => s.ClinicId == clinicId && s.Events.Contains(eventType))
            ? Add(db, clinicId, eventType, data, now, subscriptionId: null)
            : null;

    /// <summary>
    /// As <see cref="Enqueue(AllianceDbContext, Guid, string, object, DateTimeOffset)"/>, for a caller that already read
    /// which event types the clinic's subscriptions ask for (the session PUT reads them with its other rows).
    /// </summary>
    public static OutboxEvent? Enqueue(AllianceDbContext db, Guid clinicId, string eventType, object data, DateTimeOffset now, IReadOnlySet<string> subscribedEvents) =>
        subscribedEvents.Contains(eventType) ? Add(db, clinicId, eventType, data, now, subscriptionId: null) : null;

    /// <summary>An event for one subscription only, whatever events it subscribed to.</summary>
    internal static OutboxEvent EnqueueFor(AllianceDbContext db, WebhookSubscription subscription, string eventType, object data, DateTimeOffset now) =>
        Add(db, subscription.ClinicId, eventType, data, now, subscription.Id);

    private static OutboxEvent Add(AllianceDbContext db, Guid clinicId, string eventType, object data, DateTimeOffset now, Guid? subscriptionId)
    {
        // PostgreSQL stores instants in UTC; a caller's local offset would otherwise be rejected at SaveChanges.
        now = now.ToUniversalTime();
        var id = Guid.CreateVersion7(now);
        var envelope = new EventEnvelope(id, eventType, now, clinicId, data);
        var outboxEvent = new OutboxEvent
        {
            Id = id,
            ClinicId = clinicId,
            Type = eventType,
            Body = JsonSerializer.Serialize<object>(envelope, Json),
            SubscriptionId = subscriptionId,
            CreatedAt = now,
        };
        db.OutboxEvents.Add(outboxEvent);
        return outboxEvent;
    }
}

/// <summary>What a receiver gets in the request body.</summary>
public sealed record EventEnvelope(Guid Id, string Type, DateTimeOffset CreatedAt, Guid ClinicId, object Data);
