using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>The protected secrets a delivery is signed with at a given moment.</summary>
public sealed record SigningKeys(string Current, string? Previous, DateTimeOffset? PreviousExpiresAt)
{
    public static SigningKeys Of(WebhookSubscription subscription) =>
        new(subscription.ProtectedSecret, subscription.PreviousProtectedSecret, subscription.PreviousSecretExpiresAt);

    /// <summary>
    /// The current secret first, then the previous one while its overlap lasts, as Standard Webhooks allows several
    /// signatures in one header: a receiver still on the old secret and one already on the new both verify.
    /// </summary>
    public IReadOnlyList<string> At(DateTimeOffset now) =>
        Previous is not null && PreviousExpiresAt > now ? [Current, Previous] : [Current];
}
