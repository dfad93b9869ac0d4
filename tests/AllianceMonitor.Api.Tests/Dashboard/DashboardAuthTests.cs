using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>Sign-in, the session cookie, anti-forgery and revocation, over HTTP without a browser.</summary>
public sealed class DashboardAuthTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Pages_redirect_to_login_without_a_session_and_the_api_still_answers_401_bearer()
    {
        var session = DashboardSession.Create(factory);
        foreach (var page in new[] { "/", "/patients", "/patients/p-1", "/overview" })
        {
            var response = await session.Http.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        var api = await session.Http.GetAsync("/api/v1/alerts");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("Bearer", api.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Sign_in_sets_an_httponly_samesite_strict_cookie_that_does_not_carry_the_key()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = DashboardSession.Create(factory);

        var response = await session.SignInAsync(tenant.Clinician);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("am_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tenant.Clinician, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(tenant.Clinician, response.Headers.Location.OriginalString, StringComparison.Ordinal);

        var inbox = await session.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
        Assert.Equal("no-store", inbox.Headers.CacheControl!.ToString());
        Assert.DoesNotContain(tenant.Clinician, await inbox.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cookie_is_secure_on_https()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = DashboardSession.Create(factory, "https://localhost");
        var response = await session.SignInAsync(tenant.Clinician);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("am_session=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("researcher")]
    [InlineData("admin")]
    [InlineData("unknown")]
    public async Task Only_a_clinics_clinician_key_signs_in(string which)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var key = which switch
        {
            "ingest" => tenant.Ingest,
            "researcher" => tenant.Researcher,
            "admin" => ApiFactory.AdminKey,
            _ => "amk_unknownX_" + new string('x', 43),
        };
        var response = await DashboardSession.Create(factory).SignInAsync(key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("am_session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sign_in_without_the_antiforgery_token_is_refused()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await DashboardSession.Create(factory).SignInAsync(tenant.Clinician, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Cookie_borne_api_writes_need_the_antiforgery_token_and_bearer_calls_do_not()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var alertId = await SeedRuptureAsync(tenant);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var read = await session.Http.GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts");
        Assert.Single(read!.Items);

        var without = await session.Http.PostAsync($"/api/v1/alerts/{alertId}/acknowledge", null);
        Assert.Equal(HttpStatusCode.BadRequest, without.StatusCode);
        Assert.Equal("open", (await session.Http.GetFromJsonAsync<AlertResponse>($"/api/v1/alerts/{alertId}"))!.Status.StoredName());

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/alerts/{alertId}/acknowledge");
        request.Headers.Add("X-CSRF-TOKEN", await session.TokenAsync("/"));
        var with = await session.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);

        var bearer = await factory.Client(tenant.Clinician).PostAsJsonAsync($"/api/v1/alerts/{alertId}/resolve", new { note = "reviewed" });
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
    }

    [Fact]
    public async Task Acknowledge_and_resolve_from_the_inbox_form_with_a_note()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var alertId = await SeedRuptureAsync(tenant);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var token = await session.TokenAsync("/");
        var ack = await session.Http.PostAsync($"/alerts/{alertId}/act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = token, ["action"] = "acknowledge", ["note"] = "discussed_in_supervision", ["returnUrl"] = "/?status=active",
        }));
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        Assert.Equal("/?status=active", ack.Headers.Location!.OriginalString);
        var alert = await factory.Client(tenant.Clinician).GetFromJsonAsync<AlertResponse>($"/api/v1/alerts/{alertId}");
        Assert.Equal("acknowledged", alert!.Status.StoredName());
        Assert.Equal("discussed_in_supervision", alert.Acknowledged!.Note);

        var badNote = await session.Http.PostAsync($"/alerts/{alertId}/act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = token, ["action"] = "resolve", ["note"] = "Patient said her husband left",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, badNote.StatusCode);

        var resolve = await session.Http.PostAsync($"/alerts/{alertId}/act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = token, ["action"] = "resolve", ["note"] = "",
        }));
        Assert.Equal(HttpStatusCode.Redirect, resolve.StatusCode);
        Assert.Equal("resolved", (await factory.Client(tenant.Clinician).GetFromJsonAsync<AlertResponse>($"/api/v1/alerts/{alertId}"))!.Status.StoredName());

        await using var db = factory.NewDbContext();
        var actions = await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId && a.Action.StartsWith("alert.")).Select(a => a.Action).ToListAsync();
        Assert.Contains("alert.acknowledge", actions);
        Assert.Contains("alert.resolve", actions);

        // The form's step is recorded under the API's name with the alert's patient, committed with the change; the
        // refused form is recorded once, as an attempt that chose no valid step.
        var entries = await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId).ToListAsync();
        Assert.Contains(entries, e => e.Action == "alert.acknowledge" && e.Outcome == StatusCodes.Status200OK && e.PatientRef == alert.PatientId);
        Assert.Single(entries, e => e.Action == "dashboard.alert.act" && e.Outcome == StatusCodes.Status400BadRequest);
    }

    [Fact]
    public async Task Revoking_the_key_ends_the_session_at_the_next_request()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var created = await factory.Admin().PostAsJsonAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys", new { name = "dr", roles = new[] { "clinician" } });
        var key = (await created.Content.ReadFromJsonAsync<Api.Clinics.CreatedApiKeyResponse>())!;
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/")).StatusCode);

        await factory.Admin().DeleteAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys/{key.Id}");

        Assert.Equal(HttpStatusCode.Redirect, (await session.Http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Http.GetAsync("/api/v1/alerts")).StatusCode);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_needs_the_token()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        Assert.Equal(HttpStatusCode.BadRequest, (await session.Http.PostAsync("/logout", new FormUrlEncodedContent([]))).StatusCode);
        var token = await session.TokenAsync("/");
        var response = await session.Http.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await session.Http.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task Another_clinics_patient_is_not_found()
    {
        var mine = await Tenant.CreateAsync(factory);
        var theirs = await Tenant.CreateAsync(factory);
        await SeedRuptureAsync(theirs);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(mine.Clinician);
        Assert.Equal(HttpStatusCode.NotFound, (await session.Http.GetAsync("/patients/dip")).StatusCode);
        Assert.DoesNotContain("dip", await session.Http.GetStringAsync("/"), StringComparison.Ordinal);
    }

    private async Task<Guid> SeedRuptureAsync(Tenant tenant)
    {
        foreach (var (n, total) in new[] { (1, 54), (2, 54), (3, 30) })
        {
            (await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/dip/sessions/{n}", Ratings.Session(total, 10))).EnsureSuccessStatusCode();
        }

        var alerts = await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts");
        return alerts!.Items.Single().Id;
    }
}
