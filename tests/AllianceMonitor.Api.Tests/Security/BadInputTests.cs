using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>The inputs that once gave HTTP 500: each now gets a 4xx problem+json that names the field and the rule.</summary>
public sealed class BadInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string LongPatientId = new('p', 65);

    [Theory]
    [InlineData("/api/v1/patients?page=2147483647", "clinician")]
    [InlineData("/api/v1/patients?page=1000001", "clinician")]
    [InlineData("/api/v1/alerts?page=10737420&pageSize=200", "clinician")]
    [InlineData("/api/v1/webhooks/{webhook}/deliveries?page=2147483647&pageSize=200", "admin")]
    public async Task A_page_beyond_the_bound_is_refused_by_name(string path, string role)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var client = factory.Client(role == "admin" ? tenant.ClinicAdmin : tenant.Clinician);
        if (path.Contains("{webhook}", StringComparison.Ordinal))
        {
            var created = await client.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://receiver.example.org/h", events = new[] { "alert.created" } });
            var id = (string?)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"];
            path = path.Replace("{webhook}", id, StringComparison.Ordinal);
        }

        var problem = await ProblemAsync(await client.GetAsync(path), HttpStatusCode.BadRequest);

        Assert.Equal($"must be from 1 to {Paging.MaxPage}", (string?)problem["errors"]!["page"]![0]);
    }

    [Fact]
    public async Task The_last_allowed_page_is_answered_empty()
    {
        var tenant = await Tenant.CreateAsync(factory);

        var page = await factory.Client(tenant.Clinician).GetFromJsonAsync<JsonObject>($"/api/v1/patients?page={Paging.MaxPage}&pageSize=200");

        Assert.Empty(page!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_patient_id_of_65_characters_in_the_path_is_refused_and_the_attempt_is_audited()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var responses = new[]
        {
            await factory.Client(tenant.Clinician).GetAsync($"/api/v1/patients/{LongPatientId}"),
            await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{LongPatientId}", new { therapistId = "t-1" }),
            await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{LongPatientId}/sessions/1", Ratings.Session(50)),
            await factory.Client(tenant.ClinicAdmin).DeleteAsync($"/api/v1/patients/{LongPatientId}"),
        };

        foreach (var response in responses)
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Equal(Identifiers.Rule, (string?)problem["errors"]!["patientId"]![0]);
        }

        await using var db = factory.NewDbContext();
        var audited = await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId && a.Outcome == 400).ToListAsync();
        Assert.Equal(
            ["patient.erase", "patient.put", "patient.read", "session.put"],
            audited.Select(a => a.Action).Order(StringComparer.Ordinal));
        Assert.All(audited, a => Assert.Null(a.PatientRef));
    }

    [Fact]
    public async Task A_NUL_character_in_a_JSON_string_is_refused_by_field()
    {
        var tenant = await Tenant.CreateAsync(factory);

        var clinic = await ProblemAsync(await factory.Admin().PostAsJsonAsync("/api/v1/clinics", new { name = "Clinic\0A" }), HttpStatusCode.BadRequest);
        var key = await ProblemAsync(
            await factory.Admin().PostAsJsonAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys", new { name = "k\0", roles = new[] { "clinician" } }),
            HttpStatusCode.BadRequest);
        var webhook = await ProblemAsync(
            await factory.Client(tenant.ClinicAdmin).PostAsJsonAsync("/api/v1/webhooks", new { url = "https://receiver.example.org/\0", events = new[] { "alert.created" } }),
            HttpStatusCode.BadRequest);

        Assert.StartsWith(RequestGuards.NulRule, (string?)clinic["errors"]!["$.name"]![0], StringComparison.Ordinal);
        Assert.StartsWith(RequestGuards.NulRule, (string?)key["errors"]!["$.name"]![0], StringComparison.Ordinal);
        Assert.StartsWith(RequestGuards.NulRule, (string?)webhook["errors"]!["$.url"]![0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=utf-7")]
    [InlineData("application/json; charset=\"\"")]
    [InlineData("application/json; charset")]
    public async Task A_body_in_another_or_an_empty_charset_is_refused_with_415(string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clinics");
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"name":"x"}"""));
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var problem = await ProblemAsync(await factory.Admin().SendAsync(request), HttpStatusCode.UnsupportedMediaType);

        Assert.NotNull(problem["errors"]!["Content-Type"]);
    }

    [Fact]
    public async Task Concurrent_first_settings_writes_of_a_new_clinic_all_succeed()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(
            i => admin.PutAsJsonAsync("/api/v1/clinics/current/settings", new { refitEvery = 100 + i })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var stored = await admin.GetFromJsonAsync<JsonObject>("/api/v1/clinics/current/settings");
        Assert.InRange((int)stored!["settings"]!["refitEvery"]!, 100, 109);
    }

    [Theory]
    [InlineData("/?therapist=%00", "therapist")]
    [InlineData("/patients?q=%00", "q")]
    [InlineData("/login?returnUrl=/%0a/x", "returnUrl")]
    [InlineData("/login?returnUrl=/%09/evil.example/", "returnUrl")]
    public async Task A_control_character_in_a_dashboard_query_is_refused_by_name(string path, string parameter)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var problem = await ProblemAsync(await session.Http.GetAsync(path), HttpStatusCode.BadRequest);

        Assert.Equal(RequestGuards.ControlCharacterRule, (string?)problem["errors"]![parameter]![0]);
    }

    [Theory]
    [InlineData("/\t/evil.example/")]
    [InlineData("/\n/evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("/a\\b")]
    [InlineData("https://evil.example/")]
    public async Task A_sign_in_never_redirects_off_the_site(string returnUrl)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = DashboardSession.Create(factory);
        var fields = new Dictionary<string, string> { ["key"] = tenant.Clinician, ["returnUrl"] = returnUrl, ["__csrf"] = await session.TokenAsync() };

        var response = await session.Http.PostAsync("/login", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/patients/p-1?tab=x", true)]
    [InlineData("/", true)]
    [InlineData("/\t/evil.example/", false)]
    [InlineData("/%09/evil.example/", true)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("evil.example", false)]
    [InlineData("", false)]
    public void Only_local_paths_are_local(string url, bool local) => Assert.Equal(local, LocalPaths.IsLocal(url));

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }
}
