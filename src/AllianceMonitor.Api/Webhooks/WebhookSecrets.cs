using Microsoft.AspNetCore.DataProtection;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>
/// Encrypts webhook signing secrets for storage with the service's data-protection key ring, the one kept in the
/// database for the dashboard cookie. The purpose string is this feature's own, so a protected secret cannot be passed
/// off as a cookie or a research key, nor the other way round.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    public const string Purpose = "AllianceMonitor.Webhooks.SigningSecret.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string secret) => _protector.Protect(secret);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The key that protected it is gone or revoked.</exception>
    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);

    /// <summary>A secret as versions before encryption at rest stored it; a protected one never starts so.</summary>
    public static bool IsClear(string stored) => stored.StartsWith(WebhookSigner.SecretPrefix, StringComparison.Ordinal);
}
