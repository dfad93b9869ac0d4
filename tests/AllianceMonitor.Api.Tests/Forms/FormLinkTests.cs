using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Forms;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Tests.Forms.FormKit;

namespace AllianceMonitor.Api.Tests.Forms;

/// <summary>Form links as a platform uses them, and what an attacker with a browser can and cannot do with them.</summary>
public sealed class FormLinkTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly object Phq9Link = new { instruments = new[] { new { instrument = "phq-9" } }, rater = "client" };

    [Fact]
    public async Task The_token_carries_256_random_bits_is_stored_hashed_and_the_url_names_no_patient_or_clinic()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var links = new List<FormLinkResponse>();
        for (var i = 0; i < 5; i++)
        {
            links.Add(await CreateAsync(factory.Client(tenant.Ingest), "patient-visible-id", 1, Phq9Link));
        }

        var tokens = links.Select(l => PathOf(l)["/f/".Length..]).ToList();
        Assert.All(tokens, t => Assert.Equal(43, t.Length));                         // 32 bytes, base64url
        Assert.Equal(5, tokens.Distinct().Count());
        Assert.All(links, l => Assert.DoesNotContain("patient-visible-id", l.Url, StringComparison.Ordinal));
        Assert.All(links, l => Assert.DoesNotContain(tenant.ClinicId.ToString(), l.Url, StringComparison.OrdinalIgnoreCase));
        Assert.All(links, l => Assert.InRange(l.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24)));

        await using var db = factory.NewDbContext();
        var stored = await db.FormLinks.AsNoTracking().Where(l => l.ClinicId == tenant.ClinicId).ToListAsync();
        Assert.Equal(5, stored.Count);
        Assert.All(tokens, t => Assert.Contains(stored, s => s.TokenHash.SequenceEqual(SHA256.HashData(Encoding.UTF8.GetBytes(t)))));
        Assert.All(tokens, t => Assert.DoesNotContain(stored, s => s.TokenHash.SequenceEqual(Encoding.UTF8.GetBytes(t))));
    }

    [Fact]
    public async Task A_forged_or_altered_token_gets_a_friendly_404_page_and_is_audited_without_a_patient()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var link = await CreateAsync(factory.Client(tenant.Ingest), "p-forged", 1, Phq9Link);
        var token = PathOf(link)["/f/".Length..];
        var altered = (token[0] == 'A' ? 'B' : 'A') + token[1..];
        var browser = FormBrowser(factory);
        // Entries without a clinic cannot be told apart by tenant, and the class's tests share one database: count this
        // test's own as the growth over what was there before it.
        var auditedBefore = await UnknownLinkViewsAsync();

        foreach (var path in new[] { $"/f/{FormTokens.New()}", $"/f/{altered}", "/f/short", $"/f/{token}x", "/f/" + new string('-', 43) })
        {
            var page = await browser.GetAsync(path);
            Assert.True(page.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{path}: {(int)page.StatusCode}");
            if (page.StatusCode == HttpStatusCode.NotFound)
            {
                var html = await page.Content.ReadAsStringAsync();
                Assert.Contains("This link does not work", html, StringComparison.Ordinal);
            }

            var post = await browser.PostAsync(path, new FormUrlEncodedContent([new("step", "0")]));
            Assert.InRange((int)post.StatusCode, 400, 499);
        }

        Assert.True(await UnknownLinkViewsAsync() - auditedBefore >= 2, "the 404 views were not audited");
        await using var db = factory.NewDbContext();
        Assert.Equal(1, await db.FormLinks.CountAsync(l => l.ClinicId == tenant.ClinicId && l.SubmittedAt == null));
    }

    private async Task<int> UnknownLinkViewsAsync()
    {
        await using var db = factory.NewDbContext();
        return await db.AuditLog.CountAsync(a => a.Action == "form.view" && a.Outcome == 404 && a.ClinicId == null);
    }

    [Fact]
    public async Task A_link_is_single_use_and_a_replayed_submission_changes_nothing()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var link = await CreateAsync(factory.Client(tenant.Ingest), "p-replay", 1, Phq9Link);
        var browser = FormBrowser(factory);
        var page = DashboardSessionParse(await browser.GetStringAsync(PathOf(link)));
        var fields = StepFields(page, Items(1, 1, 1, 1, 1, 1, 1, 1, 1));

        var first = await browser.PostAsync(PathOf(link), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Your answers have been sent", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var replay = await browser.PostAsync(PathOf(link), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        Assert.Contains("already been sent", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var again = await browser.GetAsync(PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);

        var revisions = await factory.Client(tenant.Clinician).GetFromJsonAsync<JsonObject>("/api/v1/patients/p-replay/sessions/1/revisions");
        var revision = Assert.Single(revisions!["revisions"]!.AsArray());
        Assert.Equal(9.0, (double)revision!["total"]!);
        Assert.Equal(1, (int)revision["revision"]!);

        var status = await factory.Client(tenant.Ingest).GetFromJsonAsync<JsonObject>($"/api/v1/form-links/{link.Id}");
        Assert.Equal("submitted", (string?)status!["status"]);

        await using var db = factory.NewDbContext();
        var audit = await db.AuditLog.AsNoTracking().Where(a => a.ClinicId == tenant.ClinicId && a.PatientRef == "p-replay").ToListAsync();
        Assert.Contains(audit, a => a.Action == "form.link.create" && a.Outcome == 201);
        Assert.Contains(audit, a => a.Action == "form.view" && a.Outcome == 200);
        Assert.Contains(audit, a => a.Action == "form.submit" && a.Outcome == 200);
        Assert.Contains(audit, a => a.Action == "form.submit" && a.Outcome == 410);
    }

    [Fact]
    public async Task Expired_and_revoked_links_get_a_friendly_page_and_410()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var expiring = await CreateAsync(ingest, "p-expiry", 1, new { instruments = new[] { new { instrument = "gad-7" } }, rater = "client", expiresIn = 300 });
        Assert.InRange(expiring.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(250), TimeSpan.FromSeconds(300));
        var browser = FormBrowser(factory);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(PathOf(expiring))).StatusCode);

        await using (var db = factory.NewDbContext())
        {
            await db.FormLinks.Where(l => l.Id == expiring.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)));
        }

        var expired = await browser.GetAsync(PathOf(expiring));
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("This link has expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var late = await FillAsyncFromPost(browser, PathOf(expiring));
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);

        var revoked = await CreateAsync(ingest, "p-expiry", 2, Phq9Link);
        var page = DashboardSessionParse(await browser.GetStringAsync(PathOf(revoked)));
        var revoke = await ingest.PostAsync($"/api/v1/form-links/{revoked.Id}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal("revoked", (string?)(await revoke.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        var submit = await browser.PostAsync(PathOf(revoked), new FormUrlEncodedContent(StepFields(page, Items(0, 0, 0, 0, 0, 0, 0, 0, 0))));
        Assert.Equal(HttpStatusCode.Gone, submit.StatusCode);
        Assert.Contains("withdrawn", await submit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client(tenant.Clinician).GetAsync("/api/v1/patients/p-expiry/sessions/2/revisions")).StatusCode);
    }

    [Fact]
    public async Task Missing_wording_answers_409_naming_the_instrument_and_language_until_the_clinic_uploads_a_pack()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var body = new { instruments = new[] { new { instrument = "phq-9", timing = "pre" }, new { instrument = "wai-sr", timing = "post" } }, rater = "client" };

        var refused = await ingest.PostAsJsonAsync("/api/v1/patients/p-409/sessions/1/forms", body);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        var missing = Assert.Single(problem["missing"]!.AsArray());
        Assert.Equal(("wai-sr", "en"), ((string?)missing!["instrument"], (string?)missing["language"]));
        Assert.Contains("wai-sr", (string?)problem["detail"], StringComparison.Ordinal);

        var german = await ingest.PostAsJsonAsync("/api/v1/patients/p-409/sessions/1/forms", new { instruments = new[] { new { instrument = "phq-9" } }, rater = "client", language = "de" });
        Assert.Equal(HttpStatusCode.Conflict, german.StatusCode);

        await UploadPackAsync(factory, tenant, "wai-sr");
        var link = await CreateAsync(ingest, "p-409", 1, body);
        Assert.Equal([("phq-9", "pre"), ("wai-sr", "post")], link.Instruments.Select(i => (i.Instrument, i.Timing.ToString().ToLowerInvariant())));
    }

    [Fact]
    public async Task Text_packs_are_checked_against_the_catalog_item_count_and_scale()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);

        async Task<JsonObject> RefusedAsync(object pack, string field)
        {
            var response = await admin.PutAsJsonAsync("/api/v1/clinics/current/text-packs", pack);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(problem["errors"]![field] is not null, $"expected an error on {field}: {problem}");
            return problem;
        }

        var anchors = Enumerable.Range(1, 5).Select(v => new { value = v, label = $"L{v}" }).ToArray();
        var tooFew = await RefusedAsync(new { instrument = "wai-sr", language = "en", title = "t", items = new[] { "a", "b" }, anchors }, "items");
        Assert.Contains("12 items", tooFew["errors"]!["items"]![0]!.ToString(), StringComparison.Ordinal);
        await RefusedAsync(new { instrument = "wai-sr", language = "en", title = "t", items = Enumerable.Repeat("x", 12), anchors = anchors.Take(4) }, "anchors");
        await RefusedAsync(new { instrument = "wai-sr", language = "en", title = "t", items = Enumerable.Repeat("x", 12), anchors = anchors.Select(a => new { value = a.value + 1, a.label }) }, "anchors");
        await RefusedAsync(new { instrument = "srs", language = "en", title = "t", items = Enumerable.Repeat("x", 4), anchors = new[] { new { value = 1, label = "a" }, new { value = 10, label = "b" } } }, "anchors");
        await RefusedAsync(new { instrument = "oq-45", language = "en", title = "t", items = Array.Empty<string>(), anchors }, "instrument");
        await RefusedAsync(new { instrument = "wai-sr", language = "English!", title = "t", items = Enumerable.Repeat("x", 12), anchors }, "language");

        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/clinics/current/text-packs", Pack("srs"))).StatusCode);
        await UploadPackAsync(factory, tenant, "srs");
        await UploadPackAsync(factory, tenant, "wai-sr-t", "de");
        var packs = await admin.GetFromJsonAsync<JsonArray>("/api/v1/clinics/current/text-packs");
        Assert.Equal(["srs/en", "wai-sr-t/de"], packs!.Select(p => $"{p!["instrument"]}/{p["language"]}"));
    }

    [Fact]
    public async Task Raters_match_their_forms_and_bad_link_requests_name_the_field()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);

        async Task RefusedAsync(object body, string field)
        {
            var response = await ingest.PostAsJsonAsync("/api/v1/patients/p-bad/sessions/1/forms", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(problem["errors"]![field] is not null, $"expected an error on {field}: {problem}");
        }

        await RefusedAsync(new { instruments = new[] { new { instrument = "wai-sr-t" } }, rater = "client" }, "instruments[0].instrument");
        await RefusedAsync(new { instruments = new[] { new { instrument = "phq-9" } }, rater = "therapist" }, "instruments[0].instrument");
        await RefusedAsync(new { instruments = new[] { new { instrument = "phq-9" } }, rater = "observer" }, "rater");
        await RefusedAsync(new { instruments = Array.Empty<object>(), rater = "client" }, "instruments");
        await RefusedAsync(new { instruments = new[] { new { instrument = "phq-9" }, new { instrument = "phq-9" } }, rater = "client" }, "instruments[1]");
        await RefusedAsync(new { instruments = new[] { new { instrument = "oq-45" } }, rater = "client" }, "instruments[0].instrument");
        await RefusedAsync(new { instruments = new[] { new { instrument = "phq-9", timing = "during" } }, rater = "client" }, "instruments[0].timing");
        await RefusedAsync(new { instruments = new[] { new { instrument = "phq-9" } }, rater = "client", expiresIn = 10 }, "expiresIn");
        await RefusedAsync(new { instruments = new[] { new { instrument = "phq-9" } }, rater = "client", returnUrl = "javascript:alert(1)" }, "returnUrl");
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.Client(tenant.Researcher).PostAsJsonAsync("/api/v1/patients/p-bad/sessions/1/forms", Phq9Link)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await factory.Client(tenant.Clinician).PostAsJsonAsync("/api/v1/patients/p-bad/sessions/1/forms", Phq9Link)).StatusCode);
    }

    [Fact]
    public async Task Tenants_are_isolated_links_packs_and_settings_belong_to_one_clinic()
    {
        var a = await Tenant.CreateAsync(factory);
        var b = await Tenant.CreateAsync(factory);
        await UploadPackAsync(factory, b, "wai-sr");
        var waiSr = new { instruments = new[] { new { instrument = "wai-sr" } }, rater = "client" };

        // Clinic B's licensed wording is B's: A still has none.
        Assert.Equal(HttpStatusCode.Conflict, (await factory.Client(a.Ingest).PostAsJsonAsync("/api/v1/patients/shared-id/sessions/1/forms", waiSr)).StatusCode);
        var link = await CreateAsync(factory.Client(a.Ingest), "shared-id", 1, Phq9Link);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client(b.Ingest).GetAsync($"/api/v1/form-links/{link.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client(b.Ingest).PostAsync($"/api/v1/form-links/{link.Id}/revoke", null)).StatusCode);

        // B has a patient with the same pseudonymous id; A's link writes to A's patient only.
        await factory.Client(b.Ingest).PutAsJsonAsync("/api/v1/patients/shared-id/sessions/1", new { measurements = Array.Empty<object>() });
        var done = await FillAsync(FormBrowser(factory), PathOf(link), Items(2, 2, 2, 2, 2, 2, 2, 2, 2));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var inA = await factory.Client(a.Clinician).GetFromJsonAsync<JsonObject>("/api/v1/patients/shared-id/sessions/1/revisions");
        var inB = await factory.Client(b.Clinician).GetFromJsonAsync<JsonObject>("/api/v1/patients/shared-id/sessions/1/revisions");
        Assert.Single(inA!["revisions"]!.AsArray());
        Assert.Empty(inB!["revisions"]!.AsArray());

        // B's frame origins do not open A's forms to B's site.
        await factory.Client(b.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/form-settings", new { frameAncestors = new[] { "https://b.example.org" }, returnOrigins = Array.Empty<string>() });
        var fresh = await CreateAsync(factory.Client(a.Ingest), "shared-id", 2, Phq9Link);
        var page = await FormBrowser(factory).GetAsync(PathOf(fresh));
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static AngleSharp.Html.Dom.IHtmlDocument DashboardSessionParse(string html) => Dashboard.DashboardSession.Parse(html);

    private static Task<HttpResponseMessage> FillAsyncFromPost(HttpClient browser, string path) =>
        browser.PostAsync(path, new FormUrlEncodedContent([new("step", "0")]));
}
