namespace AllianceMonitor.Api.Data;

/// <summary>A clinic's receiver of signed event notifications.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public required string Url { get; init; }
    public required string[] Events { get; init; }

    /// <summary>
    /// The signing secret (<c>whsec_...</c>), encrypted with the data-protection key ring (see <c>WebhookSecrets</c>).
    /// Kept because every delivery must be signed with it; shown once, when it is created or rotated.
    /// </summary>
    public required string ProtectedSecret { get; set; }

    /// <summary>The secret before the last rotation, encrypted like the current one; null when there is none to honour.</summary>
    public string? PreviousProtectedSecret { get; set; }

    /// <summary>Until when deliveries are also signed with the previous secret, so receivers can switch without a gap.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// An event written in the same transaction as the change it reports, so it exists exactly when the change does.
/// The dispatcher fans it out into deliveries later.
/// </summary>
public sealed class OutboxEvent
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public required string Type { get; init; }

    /// <summary>The serialized envelope, byte for byte what receivers get, so every retry signs and sends the same body.</summary>
    public required string Body { get; init; }

    /// <summary>Set for an event meant for one subscription only (a ping); null for every matching subscription.</summary>
    public Guid? SubscriptionId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the dispatcher turned the event into deliveries; null until then.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
}

/// <summary>One event on its way to one subscription: the delivery log integrators read.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid SubscriptionId { get; init; }
    public Guid EventId { get; init; }
    public OutboxEvent? Event { get; init; }
    public required string Status { get; set; }
    public int Attempts { get; set; }

    /// <summary>Due time of the next attempt while pending (also the lease of an attempt in flight); null when done.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? LastAttemptAt { get; set; }
    public int? LastStatusCode { get; set; }

    /// <summary>A category (see <c>SendOutcome</c>), never the receiver's response.</summary>
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
