namespace AllianceMonitor.Api.Webhooks;

public sealed record CreateWebhookRequest(string Url, IReadOnlyList<string> Events);

/// <summary>The only response that ever carries the signing secret.</summary>
public sealed record CreatedWebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, string Secret, DateTimeOffset CreatedAt);

/// <summary>The only response that carries a rotated secret.</summary>
/// <param name="PreviousSecretExpiresAt">Until when deliveries are also signed with the secret this one replaces; null when they are not.</param>
public sealed record RotatedSecretResponse(Guid Id, string Secret, DateTimeOffset RotatedAt, DateTimeOffset? PreviousSecretExpiresAt);

public sealed record WebhookResponse(Guid Id, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt);

public sealed record PingResponse(Guid EventId);

public sealed record DeliveryListQuery(int? Page, int? PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public int PageOrDefault => Page ?? 1;
    public int PageSizeOrDefault => PageSize ?? DefaultPageSize;
}

/// <summary>One delivery as the log shows it: outcome and timing, never what the receiver answered in its body.</summary>
public sealed record DeliveryResponse(
    Guid Id,
    Guid EventId,
    string EventType,
    string Status,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt);
