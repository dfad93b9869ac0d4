using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Hosting;

/// <summary>
/// Encrypts the secrets that versions before encryption at rest stored in clear: webhook signing secrets and research
/// keys. A migration cannot do it (SQL has no access to the key ring), so it runs after migrating and at every start;
/// it finds nothing to do once it has run, and two instances starting together write equivalent values.
/// </summary>
public static partial class SecretsAtRest
{
    /// <returns>How many stored secrets were encrypted.</returns>
    public static async Task<int> ProtectClearSecretsAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var webhookSecrets = scope.ServiceProvider.GetRequiredService<WebhookSecrets>();
        var researchKeys = scope.ServiceProvider.GetRequiredService<ResearchKeys>();
        var converted = 0;

        var clearSecrets = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.ProtectedSecret.StartsWith(WebhookSigner.SecretPrefix))
            .Select(s => new { s.Id, s.ProtectedSecret })
            .ToListAsync(cancellationToken);
        foreach (var row in clearSecrets.Where(r => WebhookSecrets.IsClear(r.ProtectedSecret)))
        {
            var encrypted = webhookSecrets.Protect(row.ProtectedSecret);

            // Only if still the clear value: another instance may have encrypted it meanwhile.
            converted += await db.WebhookSubscriptions
                .Where(s => s.Id == row.Id && s.ProtectedSecret == row.ProtectedSecret)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtectedSecret, encrypted), cancellationToken);
        }

        var clearKeys = await db.ResearchKeys.AsNoTracking()
            .Where(k => k.ProtectedKey.Length == Pseudonyms.KeyBytes)
            .Select(k => new { k.ClinicId, k.ProtectedKey })
            .ToListAsync(cancellationToken);
        foreach (var row in clearKeys.Where(r => ResearchKeys.IsClear(r.ProtectedKey)))
        {
            var encrypted = researchKeys.Protect(row.ProtectedKey);
            converted += await db.ResearchKeys
                .Where(k => k.ClinicId == row.ClinicId && k.ProtectedKey == row.ProtectedKey)
                .ExecuteUpdateAsync(u => u.SetProperty(k => k.ProtectedKey, encrypted), cancellationToken);
        }

        if (converted > 0)
        {
            var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecretsAtRest));
            LogConverted(logger, converted);
        }

        return converted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Encrypted {Count} secrets stored in clear by an earlier version")]
    private static partial void LogConverted(ILogger logger, int count);
}
