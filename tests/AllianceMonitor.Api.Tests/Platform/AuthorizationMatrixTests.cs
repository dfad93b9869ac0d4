using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>401 without a valid key and 403 for a role that may not, on every endpoint, for every kind of caller.</summary>
/// <remarks>
/// Every case registers a webhook. A public name is looked up at registration, and with a resolver that never answers
/// (as slow DNS on the CI machine can be; simulated 2026-12-03) a registration took 3 to 10 s, the service's 3 s limit
/// not stopping a lookup already under way: the 264 cases would take about 45 minutes. So the webhooks point at a
/// closed loopback port on a host that allows private targets: no lookup, and a ping is refused at once. Who may manage
/// webhooks does not depend on where they point.
/// </remarks>
public sealed class AuthorizationMatrixTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    private const string ClosedLoopbackTarget = "http://127.0.0.1:1/hook";

    public enum Caller { None, UnknownKey, RevokedKey, GlobalAdmin, ClinicAdmin, Ingest, Clinician, Researcher }

    private static readonly (string Name, Caller[] Allowed)[] Endpoints =
    [
        ("POST /clinics", [Caller.GlobalAdmin]),
        ("GET /clinics", [Caller.GlobalAdmin, Caller.ClinicAdmin]),
        ("POST /clinics/{c}/api-keys", [Caller.GlobalAdmin, Caller.ClinicAdmin]),
        ("GET /clinics/{c}/api-keys", [Caller.GlobalAdmin, Caller.ClinicAdmin]),
        ("DELETE /clinics/{c}/api-keys/{k}", [Caller.GlobalAdmin, Caller.ClinicAdmin]),
        ("PUT /patients/{p}", [Caller.Ingest]),
        ("PUT /patients/{p}/sessions/{n}", [Caller.Ingest]),
        ("POST /imports/sessions", [Caller.Ingest]),
        ("GET /patients", [Caller.Clinician]),
        ("GET /patients/{p}", [Caller.Clinician]),
        ("GET /patients/{p}/sessions/{n}/revisions", [Caller.Clinician]),
        ("DELETE /patients/{p}", [Caller.GlobalAdmin, Caller.ClinicAdmin]),
        ("GET /patients/{p}/trajectory", [Caller.Clinician]),
        ("GET /alerts", [Caller.Clinician]),
        ("GET /alerts/{a}", [Caller.Clinician]),
        ("POST /alerts/{a}/acknowledge", [Caller.Clinician]),
        ("POST /alerts/{a}/resolve", [Caller.Clinician]),
        ("GET /clinics/current/settings", [Caller.ClinicAdmin, Caller.Clinician]),
        ("PUT /clinics/current/settings", [Caller.ClinicAdmin]),
        ("GET /analysis/calibrations", [Caller.ClinicAdmin, Caller.Clinician, Caller.Researcher]),
        ("POST /analysis/refit", [Caller.ClinicAdmin]),

        // Webhooks belong to a clinic and their routes name none, so only a clinic's own admin key manages them.
        ("POST /webhooks", [Caller.ClinicAdmin]),
        ("GET /webhooks", [Caller.ClinicAdmin]),
        ("GET /webhooks/{w}", [Caller.ClinicAdmin]),
        ("DELETE /webhooks/{w}", [Caller.ClinicAdmin]),
        ("GET /webhooks/{w}/deliveries", [Caller.ClinicAdmin]),
        ("POST /webhooks/{w}/ping", [Caller.ClinicAdmin]),
        ("POST /webhooks/{w}/rotate-secret", [Caller.ClinicAdmin]),

        // The research key is the clinic's: its admin rotates it, the researcher only uses it.
        ("POST /clinics/current/research-key/rotate", [Caller.ClinicAdmin]),

        // Research data leaves the service only through the researcher role, never to clinicians or admins.
        ("GET /export/sessions", [Caller.Researcher]),
        ("GET /export/codebook", [Caller.Researcher]),
        ("GET /analysis/summary", [Caller.Researcher]),
        ("GET /analysis/effects", [Caller.Researcher]),
    ];

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var (name, _) in Endpoints)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(name, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_endpoint_admits_only_its_roles(string endpoint, Caller caller)
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Bodies.Session());
        var victimKey = await NewKeyIdAsync(tenant);
        var alertId = await AlertIdAsync(tenant);
        var webhook = await NewWebhookIdAsync(tenant);

        var response = await SendAsync(endpoint, await KeyOfAsync(caller, tenant), tenant, victimKey, alertId, webhook);

        var allowed = Endpoints.Single(e => e.Name == endpoint).Allowed;
        var expected = caller switch
        {
            Caller.None or Caller.UnknownKey or Caller.RevokedKey => HttpStatusCode.Unauthorized,
            _ when allowed.Contains(caller) => (HttpStatusCode?)null,
            _ => HttpStatusCode.Forbidden,
        };
        if (expected is null)
        {
            // The matrix clinic has too little data to fit the models: the summary's allowed answer is then 422.
            var fine = response.IsSuccessStatusCode
                || (endpoint == "GET /analysis/summary" && response.StatusCode == HttpStatusCode.UnprocessableEntity);
            Assert.True(fine, $"{endpoint} as {caller}: {(int)response.StatusCode}");
        }
        else
        {
            Assert.Equal(expected, response.StatusCode);
        }

        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    private async Task<string?> KeyOfAsync(Caller caller, Tenant tenant) => caller switch
    {
        Caller.None => null,
        Caller.UnknownKey => "amk_unknownX_" + new string('x', 43),
        Caller.RevokedKey => await RevokedKeyAsync(tenant),
        Caller.GlobalAdmin => ApiFactory.AdminKey,
        Caller.ClinicAdmin => tenant.ClinicAdmin,
        Caller.Ingest => tenant.Ingest,
        Caller.Clinician => tenant.Clinician,
        Caller.Researcher => tenant.Researcher,
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private async Task<string> RevokedKeyAsync(Tenant tenant)
    {
        var created = await factory.Admin().PostAsJsonAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys", new { name = "old", roles = new[] { "ingest", "clinician", "admin" } });
        var key = (await created.Content.ReadFromJsonAsync<Api.Clinics.CreatedApiKeyResponse>())!;
        await factory.Admin().DeleteAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys/{key.Id}");
        return key.Key;
    }

    private async Task<Guid> NewKeyIdAsync(Tenant tenant)
    {
        var created = await factory.Admin().PostAsJsonAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys", new { name = "victim", roles = new[] { "researcher" } });
        return (await created.Content.ReadFromJsonAsync<Api.Clinics.CreatedApiKeyResponse>())!.Id;
    }

    /// <summary>A patient whose third session dips far below the first two, so the clinic has one rupture alert.</summary>
    private async Task<Guid> AlertIdAsync(Tenant tenant)
    {
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "dip", 54, 54, 30);

        var alerts = await factory.Client(tenant.Clinician).GetFromJsonAsync<Api.Infrastructure.PagedList<Api.Alerts.AlertResponse>>("/api/v1/alerts");
        return alerts!.Items.Single().Id;
    }

    private async Task<Guid> NewWebhookIdAsync(Tenant tenant)
    {
        // A closed port: a ping sent to it is refused at once and harms nothing (see the class's remarks).
        var created = await factory.Client(tenant.ClinicAdmin).PostAsJsonAsync("/api/v1/webhooks", new { url = ClosedLoopbackTarget, events = new[] { "alert.created" } });
        return (await created.Content.ReadFromJsonAsync<Api.Webhooks.CreatedWebhookResponse>())!.Id;
    }

    private Task<HttpResponseMessage> SendAsync(string endpoint, string? key, Tenant tenant, Guid victimKey, Guid alertId, Guid webhook)
    {
        var client = factory.Client(key);
        var c = tenant.ClinicId;
        return endpoint switch
        {
            "POST /clinics" => client.PostAsJsonAsync("/api/v1/clinics", new { name = "x" }),
            "GET /clinics" => client.GetAsync("/api/v1/clinics"),
            "POST /clinics/{c}/api-keys" => client.PostAsJsonAsync($"/api/v1/clinics/{c}/api-keys", new { name = "k", roles = new[] { "clinician" } }),
            "GET /clinics/{c}/api-keys" => client.GetAsync($"/api/v1/clinics/{c}/api-keys"),
            "DELETE /clinics/{c}/api-keys/{k}" => client.DeleteAsync($"/api/v1/clinics/{c}/api-keys/{victimKey}"),
            "PUT /patients/{p}" => client.PutAsJsonAsync("/api/v1/patients/p-1", new { therapistId = "t-1" }),
            "PUT /patients/{p}/sessions/{n}" => client.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Bodies.Session()),
            "POST /imports/sessions" => client.PostAsync("/api/v1/imports/sessions",
                new StringContent("{\"patientId\":\"p-1\",\"sessionNumber\":3,\"measurements\":[]}\n", System.Text.Encoding.UTF8, "application/x-ndjson")),
            "GET /patients" => client.GetAsync("/api/v1/patients"),
            "GET /patients/{p}" => client.GetAsync("/api/v1/patients/p-1"),
            "GET /patients/{p}/sessions/{n}/revisions" => client.GetAsync("/api/v1/patients/p-1/sessions/1/revisions"),
            "DELETE /patients/{p}" => client.DeleteAsync($"/api/v1/patients/p-1?clinicId={c}"),
            "GET /patients/{p}/trajectory" => client.GetAsync("/api/v1/patients/p-1/trajectory"),
            "GET /alerts" => client.GetAsync("/api/v1/alerts"),
            "GET /alerts/{a}" => client.GetAsync($"/api/v1/alerts/{alertId}"),
            "POST /alerts/{a}/acknowledge" => client.PostAsync($"/api/v1/alerts/{alertId}/acknowledge", null),
            "POST /alerts/{a}/resolve" => client.PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { note = "reviewed" }),
            "GET /clinics/current/settings" => client.GetAsync("/api/v1/clinics/current/settings"),
            "PUT /clinics/current/settings" => client.PutAsJsonAsync("/api/v1/clinics/current/settings", new { k = 3.0 }),
            "GET /analysis/calibrations" => client.GetAsync("/api/v1/analysis/calibrations"),
            "POST /analysis/refit" => client.PostAsync("/api/v1/analysis/refit", null),
            "POST /webhooks" => client.PostAsJsonAsync("/api/v1/webhooks", new { url = ClosedLoopbackTarget, events = new[] { "alert.updated" } }),
            "GET /webhooks" => client.GetAsync("/api/v1/webhooks"),
            "GET /webhooks/{w}" => client.GetAsync($"/api/v1/webhooks/{webhook}"),
            "DELETE /webhooks/{w}" => client.DeleteAsync($"/api/v1/webhooks/{webhook}"),
            "GET /webhooks/{w}/deliveries" => client.GetAsync($"/api/v1/webhooks/{webhook}/deliveries"),
            "POST /webhooks/{w}/ping" => client.PostAsync($"/api/v1/webhooks/{webhook}/ping", null),
            "POST /webhooks/{w}/rotate-secret" => client.PostAsync($"/api/v1/webhooks/{webhook}/rotate-secret", null),
            "POST /clinics/current/research-key/rotate" => client.PostAsync("/api/v1/clinics/current/research-key/rotate", null),
            "GET /export/sessions" => client.GetAsync("/api/v1/export/sessions"),
            "GET /export/codebook" => client.GetAsync("/api/v1/export/codebook"),
            "GET /analysis/summary" => client.GetAsync("/api/v1/analysis/summary"),
            "GET /analysis/effects" => client.GetAsync("/api/v1/analysis/effects"),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };
    }
}
