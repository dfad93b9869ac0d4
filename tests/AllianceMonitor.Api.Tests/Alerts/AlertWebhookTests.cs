using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Tests.Webhooks;
using AllianceMonitor.Api.Webhooks;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>Alert events from the live path reach a real receiver: signed, retried, and never duplicated by a replayed PUT.</summary>
public sealed class AlertWebhookTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    [Fact]
    public async Task A_rupture_is_pushed_once_signed_retried_after_a_failure_and_its_repair_follows_as_an_update()
    {
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (_, earlier) => earlier == 0 ? 503 : 204;
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/alerts"), WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated);

        await PutAsync(tenant, 1, 54);
        await PutAsync(tenant, 2, 54);
        await PutAsync(tenant, 3, 30);
        await PutAsync(tenant, 3, 30); // the platform retries: same body, nothing new
        var alert = Assert.Single((await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items);

        await WaitUntilAsync(async () => (await DeliveriesAsync(admin, webhook.Id)).Items.Any(d => d.Status == "delivered"), "the alert event is delivered");
        var created = receiver.At("/alerts").ToList();
        Assert.Equal(2, created.Count);                              // the failed attempt and its retry
        Assert.Single(created.Select(r => r.Id).Distinct());          // one event, one webhook-id
        Assert.All(created, r => Assert.True(SignatureIsValid(webhook.Secret, r)));
        var body = JsonNode.Parse(created[0].Body)!;
        Assert.Equal(WebhookEvents.AlertCreated, (string?)body["type"]);
        Assert.Equal(alert.Id.ToString(), (string?)body["data"]!["alertId"]);
        Assert.Equal(("p-1", "rupture", 3, "open"), ((string?)body["data"]!["patientId"], (string?)body["data"]!["kind"], (int)body["data"]!["session"]!, (string?)body["data"]!["ruptureStatus"]));
        Assert.Null(body["data"]!["observed"]);                       // no ratings in a push

        await PutAsync(tenant, 4, 54);
        await WaitUntilAsync(() => receiver.At("/alerts").Select(r => r.Id).Distinct().Count() == 2, "the repair is pushed");
        var update = JsonNode.Parse(receiver.At("/alerts").Last().Body)!;
        Assert.Equal((WebhookEvents.AlertUpdated, "repaired"), ((string?)update["type"], (string?)update["data"]!["ruptureStatus"]));

        // The receiver records a request before it answers, and the dispatcher logs the answer after: read the log only
        // once the update's delivery is logged as delivered, or the read races that write.
        await WaitUntilAsync(async () => (await DeliveriesAsync(admin, webhook.Id)).Items.Count(d => d.Status == "delivered") >= 2, "the update is logged as delivered");
        var log = (await DeliveriesAsync(admin, webhook.Id)).Items;
        Assert.Equal(2, log.Count);
        Assert.All(log, d => Assert.Equal("delivered", d.Status));
    }

    [Fact]
    public async Task Acknowledging_an_alert_is_pushed_as_an_update_to_subscribers_of_updates_only()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        await CreateAsync(admin, receiver.Url("/created"), WebhookEvents.AlertCreated);
        await CreateAsync(admin, receiver.Url("/updated"), WebhookEvents.AlertUpdated);
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 54, 54, 30);

        var alert = Assert.Single((await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items);
        (await factory.Client(tenant.Clinician).PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { note = "reviewed" })).EnsureSuccessStatusCode();

        await WaitUntilAsync(() => receiver.At("/updated").Any() && receiver.At("/created").Any(), "both receivers heard");
        Assert.Equal("acknowledged", (string?)JsonNode.Parse(Assert.Single(receiver.At("/updated")).Body)!["data"]!["status"]);
        Assert.Equal(WebhookEvents.AlertCreated, (string?)JsonNode.Parse(Assert.Single(receiver.At("/created")).Body)!["type"]);
    }

    [Fact]
    public async Task A_deterioration_is_pushed_as_an_alert_event_of_its_kind_and_its_withdrawal_as_an_update()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/alerts"), WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated);
        var ingest = factory.Client(tenant.Ingest);

        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Ratings.Phq9Session(4))).EnsureSuccessStatusCode();
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Ratings.Phq9Session(12))).EnsureSuccessStatusCode();
        await WaitUntilAsync(() => receiver.At("/alerts").Any(), "the deterioration is pushed");
        var created = JsonNode.Parse(Assert.Single(receiver.At("/alerts")).Body)!;
        Assert.True(SignatureIsValid(webhook.Secret, receiver.At("/alerts").Single()));
        Assert.Equal((WebhookEvents.AlertCreated, "deterioration", "phq-9", 2, "open"),
            ((string?)created["type"], (string?)created["data"]!["kind"], (string?)created["data"]!["instrument"], (int)created["data"]!["session"]!, (string?)created["data"]!["status"]));
        Assert.Null(created["data"]!["observed"]);                    // no scores in a push, as for ruptures

        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Ratings.Phq9Session(6))).EnsureSuccessStatusCode();
        await WaitUntilAsync(() => receiver.At("/alerts").Select(r => r.Id).Distinct().Count() == 2, "the withdrawal is pushed");
        var update = JsonNode.Parse(receiver.At("/alerts").Last().Body)!;
        Assert.Equal((WebhookEvents.AlertUpdated, "deterioration", "withdrawn"), ((string?)update["type"], (string?)update["data"]!["kind"], (string?)update["data"]!["status"]));
    }

    [Fact]
    public async Task An_unnoticed_drop_is_pushed_as_an_alert_event_of_its_kind_and_its_withdrawal_as_an_update()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        await CreateAsync(admin, receiver.Url("/alerts"), WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated);
        var ingest = factory.Client(tenant.Ingest);
        async Task Put(int session, int client, int therapist) => (await ingest.PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{session}", new
        {
            therapistId = "t-7",
            measurements = new object[]
            {
                new { instrument = "wai-sr", items = Ratings.WaiSr(client) },
                new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(therapist) },
            },
        })).EnsureSuccessStatusCode();

        foreach (var (session, client, therapist) in new[] { (1, 52, 47), (2, 50, 46), (3, 52, 47), (4, 51, 46), (5, 35, 46) })
        {
            await Put(session, client, therapist);
        }

        bool Pushed(string type, string status) => receiver.At("/alerts").Select(r => JsonNode.Parse(r.Body)!)
            .Any(n => (string?)n["type"] == type && (string?)n["data"]!["kind"] == "unnoticed_drop" && (string?)n["data"]!["status"] == status);
        await WaitUntilAsync(() => Pushed(WebhookEvents.AlertCreated, "open"), "the unnoticed drop is pushed");

        await Put(5, 35, 30);
        await WaitUntilAsync(() => Pushed(WebhookEvents.AlertUpdated, "withdrawn"), "its withdrawal is pushed");
        Assert.All(receiver.At("/alerts"), r => Assert.Null(JsonNode.Parse(r.Body)!["data"]!["therapistObserved"]));
    }

    private async Task PutAsync(Tenant tenant, int session, int total) =>
        (await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{session}", Ratings.Session(total))).EnsureSuccessStatusCode();
}
