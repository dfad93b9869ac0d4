using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// Makes sure a global admin key exists at start. With <c>Bootstrap:AdminKey</c> configured, that exact key
/// (idempotent); otherwise, on the embedded default only, a generated key printed once when none exists yet.
/// </summary>
public static class BootstrapAdminKey
{
    public static async Task EnsureAsync(AllianceDbContext db, string? configuredKey, bool generateIfMissing, TextWriter console)
    {
        if (!string.IsNullOrEmpty(configuredKey))
        {
            if (configuredKey.Length < ApiKeySecrets.MinimumLength)
            {
                throw new InvalidOperationException($"Bootstrap:AdminKey must be at least {ApiKeySecrets.MinimumLength} characters.");
            }

            var hash = ApiKeySecrets.Hash(configuredKey);
            var prefix = ApiKeySecrets.PrefixOf(configuredKey);
            var existing = await db.ApiKeys.Where(k => k.Prefix == prefix && k.ClinicId == null).ToListAsync();
            if (!existing.Any(k => ApiKeySecrets.Matches(k.KeyHash, configuredKey) && k.RevokedAt == null))
            {
                db.ApiKeys.Add(NewAdminKey("bootstrap", prefix, hash));
                await db.SaveChangesAsync();
            }

            return;
        }

        if (!generateIfMissing || await db.ApiKeys.AnyAsync(k => k.ClinicId == null && k.RevokedAt == null))
        {
            return;
        }

        var key = ApiKeySecrets.NewKey();
        db.ApiKeys.Add(NewAdminKey("generated at first start", ApiKeySecrets.PrefixOf(key), ApiKeySecrets.Hash(key)));
        await db.SaveChangesAsync();
        await console.WriteLineAsync($"""

            ==== AllianceMonitor: first start ====
            Admin API key (shown once, only its hash is stored):

                {key}

            Keep it safe, e.g.  export ADMIN_KEY={key}
            ======================================

            """);
    }

    private static ApiKey NewAdminKey(string name, string prefix, byte[] hash) => new()
    {
        Name = name,
        Prefix = prefix,
        KeyHash = hash,
        Roles = [Roles.Admin],
    };
}
