using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>
/// What every dashboard page must carry whatever renders it: the security headers, no inline script or style (the
/// Content-Security-Policy forbids them), an anti-forgery token in every form that posts, one h1, the skip link first,
/// and text encoded rather than interpreted.
/// </summary>
public sealed class DashboardMarkupTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    [Fact]
    public async Task Every_page_has_the_policy_headers_no_inline_script_or_style_and_a_token_in_every_posting_form()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await SeedRuptureAsync(tenant, "dip");
        var session = DashboardSession.Create(factory);
        var login = await AssertPageAsync(session, "/login", HttpStatusCode.OK);
        Assert.NotNull(login.QuerySelector("form[action='/login'] input#key"));

        await session.SignedInAsync(tenant.Clinician);
        var alertId = (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items.Single().Id;
        var inbox = await AssertPageAsync(session, "/", HttpStatusCode.OK);
        Assert.NotNull(inbox.QuerySelector($"#open-alerts article[data-alert-id='{alertId}'] form[action='/alerts/{alertId}/act']"));
        await AssertPageAsync(session, "/patients", HttpStatusCode.OK);
        var patient = await AssertPageAsync(session, "/patients/dip", HttpStatusCode.OK);
        Assert.Equal(["/lib/chartjs/chart.umd.min.js", "/js/patient-chart.js"], patient.Scripts.Select(s => s.Source));
        await AssertPageAsync(session, "/overview", HttpStatusCode.OK);
        var missing = await AssertPageAsync(session, "/patients/no-such-patient", HttpStatusCode.NotFound);
        Assert.Equal("Patient not found", missing.QuerySelector("h1")!.TextContent);
    }

    [Fact]
    public async Task The_chart_data_is_a_json_attribute_of_the_canvas_and_typed_text_stays_text()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await SeedRuptureAsync(tenant, "dip");
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var patient = await AssertPageAsync(session, "/patients/dip", HttpStatusCode.OK);
        using var chart = System.Text.Json.JsonDocument.Parse(patient.GetElementById("alliance-chart")!.GetAttribute("data-chart")!);
        Assert.Equal([1, 2, 3], chart.RootElement.GetProperty("sessions").EnumerateArray().Select(n => n.GetInt32()));
        Assert.Equal(3, chart.RootElement.GetProperty("ruptures").EnumerateArray().Single().GetProperty("session").GetInt32());

        const string typed = "<b>d\"&'";
        var found = await AssertPageAsync(session, "/patients?q=" + Uri.EscapeDataString(typed), HttpStatusCode.OK);
        Assert.Empty(found.QuerySelectorAll("main b"));
        Assert.Equal(typed, found.GetElementById("q")!.GetAttribute("value"));
        Assert.StartsWith($"Patients whose id starts with \u201c{typed}\u201d", found.QuerySelector("#patients caption")!.TextContent, StringComparison.Ordinal);
    }

    private static async Task<IHtmlDocument> AssertPageAsync(DashboardSession session, string url, HttpStatusCode status)
    {
        var response = await session.Http.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Policy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());

        var html = await response.Content.ReadAsStringAsync();
        var document = new HtmlParser().ParseDocument(html);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Equal("en", document.DocumentElement.GetAttribute("lang"));
        Assert.All(document.Scripts, s => Assert.False(string.IsNullOrEmpty(s.Source), $"{url}: inline script"));
        Assert.Empty(document.QuerySelectorAll("style, [style]"));
        Assert.Empty(document.QuerySelectorAll("[onclick], [onload], [onsubmit], [onchange]"));
        Assert.All(document.QuerySelectorAll("form[method=post]"), form =>
            Assert.False(string.IsNullOrEmpty(form.QuerySelector("input[type=hidden][name=__csrf]")?.GetAttribute("value")), $"{url}: a form without a token"));
        Assert.Single(document.QuerySelectorAll("h1"));
        var skip = document.Body!.FirstElementChild!;
        Assert.Equal(("skip", "#main"), (skip.ClassName, skip.GetAttribute("href")));
        Assert.NotNull(document.QuerySelector("main#main[tabindex='-1']"));
        return document;
    }

    private async Task SeedRuptureAsync(Tenant tenant, string patientId)
    {
        foreach (var (n, total) in new[] { (1, 54), (2, 54), (3, 30) })
        {
            (await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{Uri.EscapeDataString(patientId)}/sessions/{n}", Ratings.Session(total, 10))).EnsureSuccessStatusCode();
        }
    }
}
