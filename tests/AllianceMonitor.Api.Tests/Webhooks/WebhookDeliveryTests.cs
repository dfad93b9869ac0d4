using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Webhooks;

/// <summary>Deliveries to a real HTTP receiver, through the outbox and the background dispatcher.</summary>
public sealed class WebhookDeliveryTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    [Fact]
    public async Task A_ping_reaches_the_receiver_signed_and_carrying_its_event_id()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/ping"));

        var pinged = await admin.PostAsync($"/api/v1/webhooks/{webhook.Id}/ping", null);
        Assert.Equal(HttpStatusCode.Accepted, pinged.StatusCode);
        var eventId = (await pinged.Content.ReadFromJsonAsync<PingResponse>())!.EventId;
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);

        var request = Assert.Single(receiver.At("/ping"));
        Assert.True(SignatureIsValid(webhook.Secret, request), "the signature does not verify");
        Assert.False(SignatureIsValid(WebhookSigner.NewSecret(), request), "a different secret must not verify");
        Assert.True(long.TryParse(request.Timestamp, out _));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(eventId.ToString(), request.Id);
        Assert.Equal(request.Id, (string?)body["id"]);
        Assert.Equal(WebhookEvents.Ping, (string?)body["type"]);
        Assert.Equal(tenant.ClinicId.ToString(), (string?)body["clinicId"]);
        Assert.Equal(webhook.Id.ToString(), (string?)body["data"]!["webhookId"]);
        Assert.NotNull(body["createdAt"]);

        var log = await admin.GetStringAsync($"/api/v1/webhooks/{webhook.Id}/deliveries");
        Assert.DoesNotContain("receiver-private-body", log, StringComparison.Ordinal);
        var delivery = Assert.Single((await DeliveriesAsync(admin, webhook.Id)).Items);
        Assert.Equal((WebhookEvents.Ping, 1, 200, (string?)null), (delivery.EventType, delivery.Attempts, delivery.LastStatusCode, delivery.LastError));
    }

    [Fact]
    public async Task A_receiver_that_fails_once_gets_a_retry_with_the_same_webhook_id()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (_, earlier) => earlier == 0 ? 500 : 200;
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/flaky"));

        var eventId = await PingAsync(admin, webhook.Id);
        await WaitUntilDeliveredAsync(admin, webhook.Id, eventId);

        var requests = receiver.At("/flaky").ToList();
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(eventId.ToString(), r.Id));
        Assert.All(requests, r => Assert.True(SignatureIsValid(webhook.Secret, r)));
        Assert.Equal(requests[0].Body, requests[1].Body);
        var delivery = Assert.Single((await DeliveriesAsync(admin, webhook.Id)).Items);
        Assert.Equal(("delivered", 2, 200), (delivery.Status, delivery.Attempts, delivery.LastStatusCode));
        Assert.NotNull(delivery.CompletedAt);
    }

    [Fact]
    public async Task A_deleted_webhook_receives_nothing_and_its_deliveries_go_with_it()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (path, _) => path == "/gone" ? 503 : 200;
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var kept = await CreateAsync(admin, receiver.Url("/kept"));
        var gone = await CreateAsync(admin, receiver.Url("/gone"));
        await PingAsync(admin, gone.Id);
        await WaitUntilAsync(() => receiver.At("/gone").Any(), "the doomed webhook was tried once");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{gone.Id}")).StatusCode);
        var alert = await EnqueueCommittedAsync(tenant.ClinicId, WebhookEvents.AlertCreated);
        await WaitUntilDeliveredAsync(admin, kept.Id, alert);

        Assert.DoesNotContain(receiver.At("/gone"), r => r.Id == alert.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/webhooks/{gone.Id}/deliveries")).StatusCode);
        await using var db = factory.NewDbContext();
        Assert.False(await db.WebhookDeliveries.AnyAsync(d => d.SubscriptionId == gone.Id));
    }

    [Fact]
    public async Task An_event_enqueued_in_a_transaction_that_rolls_back_is_never_delivered()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/atomic"), WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated);

        Guid rolledBack;
        await using (var db = factory.NewDbContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            rolledBack = WebhookOutbox.Enqueue(db, tenant.ClinicId, WebhookEvents.AlertCreated, new { alertId = "a-1" }, DateTimeOffset.UtcNow)!.Id;
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        var committed = await EnqueueCommittedAsync(tenant.ClinicId, WebhookEvents.AlertUpdated);
        await WaitUntilDeliveredAsync(admin, webhook.Id, committed);

        Assert.DoesNotContain(receiver.Requests, r => r.Id == rolledBack.ToString());
        Assert.DoesNotContain((await DeliveriesAsync(admin, webhook.Id)).Items, d => d.EventId == rolledBack);
    }

    [Fact]
    public async Task Events_go_only_to_subscriptions_of_their_clinic_that_asked_for_their_type()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        var inA = await CreateAsync(factory.Client(a.ClinicAdmin), receiver.Url("/a"), WebhookEvents.AlertCreated);
        var updatesOnlyInA = await CreateAsync(factory.Client(a.ClinicAdmin), receiver.Url("/a-updates"), WebhookEvents.AlertUpdated);
        var inB = await CreateAsync(factory.Client(b.ClinicAdmin), receiver.Url("/b"), WebhookEvents.AlertCreated);

        var alert = await EnqueueCommittedAsync(a.ClinicId, WebhookEvents.AlertCreated);
        await WaitUntilDeliveredAsync(factory.Client(a.ClinicAdmin), inA.Id, alert);

        Assert.Empty(receiver.At("/b"));
        Assert.Empty(receiver.At("/a-updates"));
        Assert.Empty((await DeliveriesAsync(factory.Client(b.ClinicAdmin), inB.Id)).Items);
        Assert.Empty((await DeliveriesAsync(factory.Client(a.ClinicAdmin), updatesOnlyInA.Id)).Items);
    }

    [Fact]
    public async Task Two_service_instances_on_one_database_send_each_event_once()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/shared"));

        // A second host of the service, with its own dispatcher, on the same database.
        await using var second = factory.WithWebHostBuilder(_ => { });
        var dispatchers = new[] { factory.Services, second.Services }
            .Select(s => s.GetServices<IHostedService>().OfType<WebhookDispatcher>().Single())
            .ToList();
        var events = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            events.Add(await EnqueueCommittedAsync(tenant.ClinicId, WebhookEvents.AlertCreated));
        }

        // Besides the background loops, rounds started side by side, so claims really do race.
        await WaitUntilAsync(
            async () =>
            {
                await Task.WhenAll(dispatchers.SelectMany(d => Enumerable.Range(0, 3).Select(_ => d.RunOnceAsync(CancellationToken.None))));
                return (await DeliveriesAsync(admin, webhook.Id)).Items.Count(d => d.Status == "delivered") == events.Count;
            },
            "every event is logged as delivered");

        Assert.Equal(events.Select(e => e.ToString()).Order(), receiver.At("/shared").Select(r => r.Id).Order());
    }

    private static async Task<Guid> PingAsync(HttpClient admin, Guid webhookId)
    {
        var response = await admin.PostAsync($"/api/v1/webhooks/{webhookId}/ping", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PingResponse>())!.EventId;
    }

    /// <summary>What the alert feature does: enqueue in its own unit of work and commit.</summary>
    private async Task<Guid> EnqueueCommittedAsync(Guid clinicId, string type)
    {
        await using var db = factory.NewDbContext();
        var outboxEvent = WebhookOutbox.Enqueue(db, clinicId, type, new { alertId = "a-2", patientId = "p-1" }, DateTimeOffset.UtcNow);
        await db.SaveChangesAsync();
        return outboxEvent!.Id;
    }
}
