using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;
using static AllianceMonitor.Api.Tests.Forms.FormKit;

namespace AllianceMonitor.Api.Tests.Forms;

/// <summary>Framing and return URLs: only what the clinic's administrator configured, matched by exact origin.</summary>
public sealed class FormEmbeddingTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly object[] Phq9 = [new { instrument = "phq-9" }];

    [Fact]
    public async Task Framing_is_denied_unless_the_clinic_configured_the_framing_origin()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var browser = FormBrowser(factory);
        var link = await CreateAsync(factory.Client(tenant.Ingest), "p-frame", 1, new { instruments = Phq9, rater = "client" });

        var denied = await browser.GetAsync(PathOf(link));
        Assert.Contains("frame-ancestors 'none'", Csp(denied), StringComparison.Ordinal);
        Assert.Equal("DENY", denied.Headers.GetValues("X-Frame-Options").Single());

        var admin = factory.Client(tenant.ClinicAdmin);
        var put = await admin.PutAsJsonAsync("/api/v1/clinics/current/form-settings",
            new { frameAncestors = new[] { "https://App.Example.org", "https://portal.example.net:8443/" }, returnOrigins = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var allowed = await browser.GetAsync(PathOf(link));
        Assert.EndsWith("frame-ancestors https://app.example.org https://portal.example.net:8443", Csp(allowed), StringComparison.Ordinal);
        Assert.False(allowed.Headers.Contains("X-Frame-Options"));

        // The dashboard is never framed, whatever the forms allow.
        var login = await browser.GetAsync("/login");
        Assert.Contains("frame-ancestors 'none'", Csp(login), StringComparison.Ordinal);

        foreach (var bad in new[] { "https://app.example.org/path", "app.example.org", "ftp://app.example.org", "https://user@app.example.org", "*", "'self'" })
        {
            var refused = await admin.PutAsJsonAsync("/api/v1/clinics/current/form-settings", new { frameAncestors = new[] { bad }, returnOrigins = Array.Empty<string>() });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var errors = (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
            Assert.Contains(errors, e => e.Key.StartsWith("frameAncestors", StringComparison.Ordinal));
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Client(tenant.Clinician).PutAsJsonAsync("/api/v1/clinics/current/form-settings",
            new { frameAncestors = new[] { "https://evil.example" }, returnOrigins = Array.Empty<string>() })).StatusCode);
    }

    [Fact]
    public async Task Return_urls_must_match_a_configured_origin_exactly_and_are_checked_again_at_submission()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var admin = factory.Client(tenant.ClinicAdmin);

        // Nothing configured: no return URL at all.
        var none = await ingest.PostAsJsonAsync("/api/v1/patients/p-ret/sessions/1/forms", new { instruments = Phq9, rater = "client", returnUrl = "https://app.example.org/done" });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.NotNull((await none.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["returnUrl"]);

        await admin.PutAsJsonAsync("/api/v1/clinics/current/form-settings", new { frameAncestors = Array.Empty<string>(), returnOrigins = new[] { "https://app.example.org" } });
        foreach (var lookalike in new[]
        {
            "https://app.example.org.evil.test/done", "http://app.example.org/done", "https://evil.test/?https://app.example.org",
            "https://app.example.org@evil.test/", "https://evil.test\\@app.example.org", "//evil.test/done", "https://app.example.org:444/done",
        })
        {
            var refused = await ingest.PostAsJsonAsync("/api/v1/patients/p-ret/sessions/1/forms", new { instruments = Phq9, rater = "client", returnUrl = lookalike });
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{lookalike}: {(int)refused.StatusCode}");
        }

        var link = await CreateAsync(ingest, "p-ret", 1, new { instruments = Phq9, rater = "client", returnUrl = "https://app.example.org/sessions/1?done=1" });
        var page = await FormBrowser(factory).GetAsync(PathOf(link));
        Assert.Contains("form-action 'self' https://app.example.org;", Csp(page), StringComparison.Ordinal);
        var done = await FillAsync(FormBrowser(factory), PathOf(link), Items(0, 1, 0, 1, 0, 1, 0, 1, 0));
        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal("https://app.example.org/sessions/1?done=1", done.Headers.Location!.ToString());

        // The administrator withdraws the origin: links made before no longer send the browser there.
        var second = await CreateAsync(ingest, "p-ret", 2, new { instruments = Phq9, rater = "client", returnUrl = "https://app.example.org/sessions/2" });
        await admin.PutAsJsonAsync("/api/v1/clinics/current/form-settings", new { frameAncestors = Array.Empty<string>(), returnOrigins = Array.Empty<string>() });
        var thanks = await FillAsync(FormBrowser(factory), PathOf(second), Items(0, 1, 0, 1, 0, 1, 0, 1, 0));
        Assert.Equal(HttpStatusCode.OK, thanks.StatusCode);
        Assert.Null(thanks.Headers.Location);
        Assert.Contains("Thank you", await thanks.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Csp(HttpResponseMessage response) => response.Headers.GetValues("Content-Security-Policy").Single();
}
