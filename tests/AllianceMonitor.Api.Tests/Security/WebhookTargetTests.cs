using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Tests.Webhooks;
using AllianceMonitor.Api.Webhooks;
using Microsoft.Extensions.Options;
using Npgsql;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>Server-side request forgery: an admin key cannot point webhooks into the service's own network.</summary>
public sealed class WebhookTargetTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    // {db} stands for the port of a live listener on this machine: the test database.
    public static TheoryData<string> InternalTargets() =>
        new()
        {
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/",
            "http://192.168.0.1/",
            "http://172.16.5.4/",
            "http://100.64.0.1/",
            "http://metadata.google.internal/",
            "http://metadata/computeMetadata/v1/",
            "http://[::1]:8080/",
            "http://localhost:8080/",
            "http://LOCALHOST./",
            "http://api.localhost/",
            "http://0.0.0.0:8080/",
            "http://0/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]:8080/",
            "http://[::ffff:7f00:1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:7f00:1::]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0x7f.0.0.1/",
            "http://0177.0.0.1/",
            "http://017700000001/",
            "http://127.1/",
            "http://127.0.1/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://127.0.0.1:{db}/",
            "https://127.0.0.1:{db}/",
            "https://127.0.0.1:5432/",
        };

    [Theory]
    [MemberData(nameof(InternalTargets))]
    public async Task An_internal_target_is_refused_at_registration_in_any_notation(string url)
    {
        var admin = factory.Client((await Tenant.CreateAsync(factory)).ClinicAdmin);
        url = url.Replace("{db}", new NpgsqlConnectionStringBuilder(factory.ConnectionString).Port.ToString(), StringComparison.Ordinal);

        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { WebhookEvents.AlertCreated } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(WebhookTargetPolicy.Rule, (string?)problem["errors"]!["url"]![0]);
        Assert.Empty(await admin.GetFromJsonAsync<List<WebhookResponse>>("/api/v1/webhooks") ?? []);
    }

    [Theory]
    [InlineData("https://receiver.example.org/hooks/alliance")]
    [InlineData("https://8.8.8.8/hook")]
    [InlineData("https://[2606:4700:4700::1111]/hook")]
    public async Task A_public_target_is_accepted(string url)
    {
        var admin = factory.Client((await Tenant.CreateAsync(factory)).ClinicAdmin);

        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, events = new[] { WebhookEvents.AlertCreated } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task A_target_that_became_internal_after_registration_gets_nothing_and_the_log_says_only_unreachable()
    {
        // Registered where private networks were allowed, delivered where they are not: the same situation as a name
        // re-pointed at an internal address after registration (DNS rebinding). The connect step checks again.
        await using var receiver = await TestReceiver.StartAsync();
        await using var permissive = new PrivateNetworkApiFactory();
        await ((Xunit.IAsyncLifetime)permissive).InitializeAsync();
        var tenant = await Tenant.CreateAsync(permissive);
        var webhook = await CreateAsync(permissive.Client(tenant.ClinicAdmin), receiver.Url("/rebound"));
        await permissive.DisposeAsync();

        await using var strict = ApiFactory.OnDatabase(permissive.ConnectionString);
        var admin = strict.Client(tenant.ClinicAdmin);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/v1/webhooks/{webhook.Id}/ping", null)).StatusCode);

        await WaitUntilAsync(async () => (await DeliveriesAsync(admin, webhook.Id)).Items.Any(d => d.Attempts > 0), "the ping was attempted");
        var delivery = (await DeliveriesAsync(admin, webhook.Id)).Items.Single();
        Assert.Equal((WebhookSender.Unreachable, (int?)null), (delivery.LastError, delivery.LastStatusCode));
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::ffff:10.1.2.3", true)]
    [InlineData("::127.0.0.1", true)]
    [InlineData("64:ff9b:1::a00:1", true)]
    [InlineData("2001:0:4136:e378:8000:63bf:80ff:fffe", true)]
    [InlineData("fec0::1", true)]
    [InlineData("198.18.0.1", true)]
    [InlineData("93.184.216.34", false)]
    [InlineData("64:ff9b::5db8:d822", false)]
    [InlineData("2a00:1450:4001::1", false)]
    public void Addresses_are_judged_by_value(string address, bool isInternal) =>
        Assert.Equal(isInternal, InternalAddresses.Contains(IPAddress.Parse(address)));

    [Fact]
    public async Task A_registration_stops_waiting_for_a_name_lookup_that_never_answers_at_its_limit()
    {
        var policy = new WebhookTargetPolicy(Options.Create(new WebhookOptions()), NeverAnswers, TimeSpan.FromMilliseconds(50));

        // Accepted unchecked, as a name that does not resolve yet is: every delivery checks again. The outer bound only
        // ends the test if the limit is not kept; without the wait on the lookup this hangs.
        var rule = await policy.CheckAsync(new Uri("https://receiver.example.org/hook"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(rule);
    }

    /// <summary>A resolver that neither answers nor heeds its token, as the system's does against a silent DNS server.</summary>
    private static Task<IPAddress[]> NeverAnswers(string host, CancellationToken cancellationToken) => new TaskCompletionSource<IPAddress[]>().Task;
}
