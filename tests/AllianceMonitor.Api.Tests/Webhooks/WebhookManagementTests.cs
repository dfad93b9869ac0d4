using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Webhooks;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Webhooks;

/// <summary>Registering, reading and deleting webhooks: validation, the secret shown once, clinics kept apart.</summary>
public sealed class WebhookManagementTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Receiver = "https://receiver.example.org/hooks/alliance";

    [Fact]
    public async Task The_secret_is_shown_at_creation_and_never_again()
    {
        var admin = factory.Client((await Tenant.CreateAsync(factory)).ClinicAdmin);
        var created = await CreateAsync(admin, Receiver, WebhookEvents.AlertUpdated, WebhookEvents.AlertCreated);

        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(created.Secret["whsec_".Length..]).Length);
        Assert.Equal([WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated], created.Events);
        foreach (var path in new[] { $"/api/v1/webhooks/{created.Id}", "/api/v1/webhooks" })
        {
            var json = await admin.GetStringAsync(path);
            Assert.Contains(created.Id.ToString(), json, StringComparison.Ordinal);
            Assert.DoesNotContain(created.Secret["whsec_".Length..], json, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", json, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("ftp://receiver.example.org/hook", "alert.created", "url")]
    [InlineData("/relative/hook", "alert.created", "url")]
    [InlineData("receiver.example.org/hook", "alert.created", "url")]
    [InlineData("file:///etc/passwd", "alert.created", "url")]
    [InlineData("", "alert.created", "url")]
    [InlineData(Receiver, "alert.deleted", "events")]
    [InlineData(Receiver, "webhook.ping", "events")]
    [InlineData(Receiver, "", "events")]
    [InlineData(Receiver, "alert.created,alert.created", "events")]
    public async Task An_invalid_registration_names_the_field_and_the_rule(string url, string events, string field)
    {
        var admin = factory.Client((await Tenant.CreateAsync(factory)).ClinicAdmin);
        var list = events.Length == 0 ? [] : events.Split(',');

        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = list });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        // A bad element is named by its index, e.g. events[0].
        var named = problem["errors"]!.AsObject().Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, e => Assert.NotEmpty(e.Value!.AsArray()));
        Assert.StartsWith(field, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Empty(await admin.GetFromJsonAsync<List<WebhookResponse>>("/api/v1/webhooks") ?? []);
    }

    [Fact]
    public async Task A_url_longer_than_2000_characters_is_rejected()
    {
        var admin = factory.Client((await Tenant.CreateAsync(factory)).ClinicAdmin);
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = Receiver + "?" + new string('a', 2000), events = new[] { "alert.created" } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("may be at most 2000 characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_global_admin_key_is_told_to_use_a_clinic_key()
    {
        var response = await factory.Admin().PostAsJsonAsync("/api/v1/webhooks", new { url = Receiver, events = new[] { "alert.created" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("admin key of that clinic", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/api/v1/webhooks/{0}")]
    [InlineData("DELETE", "/api/v1/webhooks/{0}")]
    [InlineData("GET", "/api/v1/webhooks/{0}/deliveries")]
    [InlineData("POST", "/api/v1/webhooks/{0}/ping")]
    public async Task Another_clinics_webhook_is_not_found_exactly_like_a_missing_one(string method, string template)
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        var foreignId = (await CreateAsync(factory.Client(a.ClinicAdmin), Receiver)).Id;
        var missingId = Guid.NewGuid();
        var client = factory.Client(b.ClinicAdmin);

        var foreign = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, template, foreignId)));
        var missing = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), string.Format(null, template, missingId)));

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(await ShapeAsync(missing, missingId), await ShapeAsync(foreign, foreignId));
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(a.ClinicAdmin).GetAsync($"/api/v1/webhooks/{foreignId}")).StatusCode);
    }

    [Fact]
    public async Task The_list_shows_only_the_callers_clinic()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        var inA = await CreateAsync(factory.Client(a.ClinicAdmin), Receiver + "/a");
        await CreateAsync(factory.Client(b.ClinicAdmin), Receiver + "/b");

        var list = await factory.Client(a.ClinicAdmin).GetFromJsonAsync<List<WebhookResponse>>("/api/v1/webhooks");
        Assert.Equal([inA.Id], list!.Select(w => w.Id));
    }

    [Fact]
    public async Task The_delivery_log_pages_are_validated()
    {
        var admin = factory.Client((await Tenant.CreateAsync(factory)).ClinicAdmin);
        var webhook = await CreateAsync(admin, Receiver);

        var response = await admin.GetAsync($"/api/v1/webhooks/{webhook.Id}/deliveries?pageSize=500");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pageSize", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> ShapeAsync(HttpResponseMessage response, Guid id)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString().Replace(id.ToString(), "ID", StringComparison.Ordinal);
    }
}
