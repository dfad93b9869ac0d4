using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Webhooks;

namespace AllianceMonitor.Api.Tests.Webhooks;

/// <summary>What a receiver would do, written from the Standard Webhooks rules rather than with the service's own signer.</summary>
public static class WebhookTestKit
{
    public static async Task<CreatedWebhookResponse> CreateAsync(HttpClient clinicAdmin, string url, params string[] events)
    {
        var response = await clinicAdmin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = events.Length == 0 ? [WebhookEvents.AlertCreated] : events });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!;
    }

    public static bool SignatureIsValid(string secret, Received request) => VerifyingEntries(secret, request) > 0;

    /// <summary>How many of the header's space-separated <c>v1,</c> signatures verify with <paramref name="secret"/>.</summary>
    public static int VerifyingEntries(string secret, Received request)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{request.Id}.{request.Timestamp}.{request.Body}"));
        return request.Signature.Split(' ')
            .Where(s => s.StartsWith("v1,", StringComparison.Ordinal))
            .Count(s => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(s[3..]), expected));
    }

    public static async Task<Guid> SendPingAsync(HttpClient clinicAdmin, Guid webhookId)
    {
        var pinged = await clinicAdmin.PostAsync($"/api/v1/webhooks/{webhookId}/ping", null);
        Assert.Equal(HttpStatusCode.Accepted, pinged.StatusCode);
        return (await pinged.Content.ReadFromJsonAsync<PingResponse>())!.EventId;
    }

    public static async Task<PagedList<DeliveryResponse>> DeliveriesAsync(HttpClient clinicAdmin, Guid webhookId) =>
        (await clinicAdmin.GetFromJsonAsync<PagedList<DeliveryResponse>>($"/api/v1/webhooks/{webhookId}/deliveries"))!;

    /// <summary>Polls until the condition holds; the timeout is generous because it only bounds a failing test.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            }

            await Task.Delay(100);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    public static Task WaitUntilDeliveredAsync(HttpClient clinicAdmin, Guid webhookId, Guid eventId) => WaitUntilAsync(
        async () => (await DeliveriesAsync(clinicAdmin, webhookId)).Items.Any(d => d.EventId == eventId && d.Status == "delivered"),
        $"event {eventId} is logged as delivered to {webhookId}");
}
