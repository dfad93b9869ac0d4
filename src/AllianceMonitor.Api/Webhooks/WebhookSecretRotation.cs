using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>
/// A new signing secret for a webhook. The old one is not dropped at once: for <see cref="WebhookOptions.SecretRotationOverlap"/>
/// every delivery is signed with both, so the clinic can deploy the new secret to its receiver without a window in
/// which deliveries fail verification.
/// </summary>
public static class WebhookSecretRotation
{
    public static async Task<Results<Ok<RotatedSecretResponse>, ProblemHttpResult>> RotateWebhookSecret(
        Guid webhookId, HttpContext http, AllianceDbContext db, TimeProvider clock, WebhookSecrets secrets, IOptions<WebhookOptions> options)
    {
        if (WebhooksEndpoints.ClinicOf(http) is not { } clinicId)
        {
            return WebhooksEndpoints.ClinicKeyRequired();
        }

        // Locked, so two rotations at once queue: the second demotes the first one's new secret instead of losing it,
        // and both secrets handed out stay valid for the overlap.
        var subscription = await db.WebhookSubscriptions
            .FromSql($"SELECT * FROM webhook_subscriptions WHERE id = {webhookId} AND clinic_id = {clinicId} FOR UPDATE")
            .SingleOrDefaultAsync(http.RequestAborted);
        if (subscription is null)
        {
            return NotFoundProblems.Webhook(webhookId);
        }

        var now = clock.GetUtcNow();
        var overlap = options.Value.SecretRotationOverlap;
        var secret = WebhookSigner.NewSecret();

        // Only the secret in force is kept as the previous one: a third secret from an earlier rotation ends here.
        subscription.PreviousProtectedSecret = overlap > TimeSpan.Zero ? subscription.ProtectedSecret : null;
        subscription.PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
        subscription.ProtectedSecret = secrets.Protect(secret);
        return TypedResults.Ok(new RotatedSecretResponse(subscription.Id, secret, now, subscription.PreviousSecretExpiresAt));
    }
}
