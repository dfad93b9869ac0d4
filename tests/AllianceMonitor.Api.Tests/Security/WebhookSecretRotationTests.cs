using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// Rotating a webhook's signing secret: the new secret is shown once, and during the overlap every delivery carries a
/// signature with each secret, so a receiver on either verifies; after it, only the new one.
/// </summary>
public sealed class WebhookSecretRotationTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    [Fact]
    public async Task During_the_overlap_a_delivery_carries_one_signature_per_secret_and_each_verifies()
    {
        await using var receiver = await Webhooks.TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/overlap"));

        var rotated = await RotateAsync(admin, webhook.Id);
        Assert.StartsWith("whsec_", rotated.Secret, StringComparison.Ordinal);
        Assert.NotEqual(webhook.Secret, rotated.Secret);
        Assert.Equal(rotated.RotatedAt + TimeSpan.FromHours(24), rotated.PreviousSecretExpiresAt);

        var eventId = await SendPingAsync(admin, webhook.Id);
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);
        var request = Assert.Single(receiver.At("/overlap"));
        var entries = request.Signature.Split(' ');
        Assert.Equal(2, entries.Length);
        Assert.All(entries, e => Assert.StartsWith("v1,", e, StringComparison.Ordinal));
        Assert.Equal(1, VerifyingEntries(rotated.Secret, request));
        Assert.Equal(1, VerifyingEntries(webhook.Secret, request));
        Assert.Equal(0, VerifyingEntries(WebhookSigner.NewSecret(), request));
    }

    [Fact]
    public async Task After_the_overlap_only_the_new_secret_signs()
    {
        await using var receiver = await Webhooks.TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/after"));
        var rotated = await RotateAsync(admin, webhook.Id);

        // The window's end as the dispatcher reads it, moved into the past: what a day's wait would do.
        await using (var db = factory.NewDbContext())
        {
            var ended = DateTimeOffset.UtcNow.AddSeconds(-1);
            Assert.Equal(1, await db.WebhookSubscriptions.Where(s => s.Id == webhook.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.PreviousSecretExpiresAt, ended)));
        }

        var eventId = await SendPingAsync(admin, webhook.Id);
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);
        var request = Assert.Single(receiver.At("/after"));
        Assert.Single(request.Signature.Split(' '));
        Assert.True(SignatureIsValid(rotated.Secret, request), "the new secret does not verify");
        Assert.False(SignatureIsValid(webhook.Secret, request), "the old secret still verifies after the overlap");
    }

    [Fact]
    public async Task A_second_rotation_keeps_the_first_rotations_secret_as_the_previous_one()
    {
        await using var receiver = await Webhooks.TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/twice"));
        var first = await RotateAsync(admin, webhook.Id);
        var second = await RotateAsync(admin, webhook.Id);

        var eventId = await SendPingAsync(admin, webhook.Id);
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);
        var request = Assert.Single(receiver.At("/twice"));
        Assert.True(SignatureIsValid(second.Secret, request));
        Assert.True(SignatureIsValid(first.Secret, request));
        Assert.False(SignatureIsValid(webhook.Secret, request), "the secret from before both rotations still verifies");
    }

    [Fact]
    public async Task Rotation_is_audited_shows_the_secret_only_once_and_stays_within_the_clinic()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var other = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, "https://receiver.example.org/rotate");

        var foreign = await factory.Client(other.ClinicAdmin).PostAsync($"/api/v1/webhooks/{webhook.Id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        var unknown = await admin.PostAsync($"/api/v1/webhooks/{Guid.NewGuid()}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var rotated = await RotateAsync(admin, webhook.Id);
        foreach (var path in new[] { $"/api/v1/webhooks/{webhook.Id}", "/api/v1/webhooks" })
        {
            var json = await admin.GetStringAsync(path);
            Assert.DoesNotContain(rotated.Secret["whsec_".Length..], json, StringComparison.Ordinal);
        }

        await using var db = factory.NewDbContext();
        var stored = await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == webhook.Id);
        Assert.DoesNotContain(rotated.Secret["whsec_".Length..], stored.ProtectedSecret, StringComparison.Ordinal);
        Assert.DoesNotContain(webhook.Secret["whsec_".Length..], stored.PreviousProtectedSecret!, StringComparison.Ordinal);
        var audited = await db.AuditLog.Where(a => a.Action == "webhook.secret.rotate").ToListAsync();
        Assert.Contains(audited, a => a.ClinicId == tenant.ClinicId && a.Outcome == 200);
        Assert.Contains(audited, a => a.ClinicId == other.ClinicId && a.Outcome == 404);
    }

    [Fact]
    public async Task With_no_overlap_configured_the_old_secret_ends_at_once()
    {
        await using var host = new NoOverlapHost();
        await host.InitializeAsync();
        await using var receiver = await Webhooks.TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(host);
        var admin = host.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/no-overlap"));

        var rotated = await RotateAsync(admin, webhook.Id);
        Assert.Null(rotated.PreviousSecretExpiresAt);
        var eventId = await SendPingAsync(admin, webhook.Id);
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);
        var request = Assert.Single(receiver.At("/no-overlap"));
        Assert.True(SignatureIsValid(rotated.Secret, request));
        Assert.False(SignatureIsValid(webhook.Secret, request));
    }

    private static async Task<RotatedSecretResponse> RotateAsync(HttpClient admin, Guid webhookId)
    {
        var response = await admin.PostAsync($"/api/v1/webhooks/{webhookId}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RotatedSecretResponse>())!;
    }

    private sealed class NoOverlapHost : ApiFactory
    {
        protected override void ConfigureTestHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
            builder.UseSetting("Webhooks:SecretRotationOverlap", "00:00:00");
        }
    }
}
