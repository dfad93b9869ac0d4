using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Dashboard;
using AllianceMonitor.Api.Tests.Export;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>A demo clinic with more open alerts and patients than one page holds.</summary>
public sealed class DemoClinicFactory : ApiFactory, IAsyncLifetime
{
    public string ClinicianKey { get; private set; } = "";

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        ClinicianKey = await DemoSeeder.SeedAsync(Services, TextWriter.Null, CancellationToken.None, patients: 240, parallelism: 2);
    }
}

/// <summary>Paging, search and the overview's numbers, over HTTP.</summary>
public sealed partial class DashboardScaleTests(DemoClinicFactory factory) : IClassFixture<DemoClinicFactory>
{
    [Fact]
    public async Task The_inbox_pages_through_every_open_alert_most_severe_first()
    {
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(factory.ClinicianKey);
        await using var db = factory.NewDbContext();
        var demo = await db.Clinics.Where(c => c.Name == DemoSeeder.ClinicName).Select(c => c.Id).SingleAsync();
        var expected = await db.Alerts.Where(a => a.ClinicId == demo && a.Status == AlertStatus.Open).Select(a => new { a.Id, a.Severity }).ToListAsync();
        Assert.True(expected.Count > InboxQuery.PageSize, $"the demo clinic needs more than one page of open alerts, has {expected.Count}");

        var seen = new List<(Guid Id, int Severity)>();
        var pages = 0;
        for (var url = "/"; url is not null; pages++)
        {
            var html = await session.Http.GetStringAsync(url);
            var open = Section(html, "open-alerts");
            var onPage = OpenAlert().Matches(open).Select(m => (Guid.Parse(m.Groups[2].Value), int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))).ToList();
            Assert.InRange(onPage.Count, 1, InboxQuery.PageSize);
            Assert.Contains($"open alerts {seen.Count + 1}–{seen.Count + onPage.Count} of {expected.Count}", html, StringComparison.Ordinal);
            seen.AddRange(onPage);
            url = NextPage().Match(html) is { Success: true } next ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }

        Assert.Equal((expected.Count + InboxQuery.PageSize - 1) / InboxQuery.PageSize, pages);
        Assert.Equal(expected.Select(a => a.Id).Order(), seen.Select(a => a.Id).Order());
        Assert.Equal(seen.Select(a => a.Severity).OrderDescending(), seen.Select(a => a.Severity));
    }

    [Fact]
    public async Task A_page_past_the_end_shows_the_last_page_and_the_filters_carry_into_the_page_links()
    {
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(factory.ClinicianKey);

        var open = await session.Http.GetStringAsync("/?status=open");
        Assert.Matches("href=\"/\\?status=open&amp;page=2\" rel=\"next\"", open);
        var beyond = await session.Http.GetStringAsync("/?status=open&page=9999");
        Assert.DoesNotMatch("rel=\"next\"", beyond);
        Assert.Matches("href=\"/\\?status=open\" rel=\"prev\"", beyond);
        Assert.NotEmpty(OpenAlert().Matches(Section(beyond, "open-alerts")));

        var ruptures = Section(await session.Http.GetStringAsync("/?kind=rupture"), "open-alerts");
        Assert.NotEmpty(OpenAlert().Matches(ruptures));
        Assert.DoesNotContain("Low alliance ·", ruptures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_patient_list_pages_and_finds_patients_by_the_start_of_their_id()
    {
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(factory.ClinicianKey);
        await using var db = factory.NewDbContext();
        var demo = await db.Clinics.Where(c => c.Name == DemoSeeder.ClinicName).Select(c => c.Id).SingleAsync();
        var all = await db.Patients.Where(p => p.ClinicId == demo).Select(p => p.ExternalId).OrderBy(id => id).ToListAsync();

        var first = await session.Http.GetStringAsync("/patients");
        Assert.Equal(all.Take(PatientListQuery.PageSize), PatientRow().Matches(first).Select(m => m.Groups[1].Value));
        var second = await session.Http.GetStringAsync("/patients?page=2");
        Assert.Equal(all.Skip(PatientListQuery.PageSize).Take(PatientListQuery.PageSize), PatientRow().Matches(second).Select(m => m.Groups[1].Value));

        var prefix = all[17][..^1];
        var found = await session.Http.GetStringAsync("/patients?q=" + Uri.EscapeDataString(prefix));
        Assert.Equal(all.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)), PatientRow().Matches(found).Select(m => m.Groups[1].Value));
        Assert.Empty(PatientRow().Matches(await session.Http.GetStringAsync("/patients?q=no-such-patient")));
    }

    [Fact]
    public async Task The_overview_shows_the_models_of_the_analysis_summary()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(24, seed: 11));
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var overview = await session.Http.GetStringAsync("/overview");
        using var summary = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"));

        var nullModel = summary.RootElement.GetProperty("null_model");
        Assert.Contains($"<dd id=\"icc\">{F(nullModel.GetProperty("icc"))}</dd>", overview, StringComparison.Ordinal);
        Assert.Contains($"<dd id=\"within-sd\">{F(nullModel.GetProperty("within_sd"))}</dd>", overview, StringComparison.Ordinal);
        var model = summary.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "alliance_to_symptoms");
        foreach (var term in new[] { "alliance_within", "alliance_between" })
        {
            var effect = model.GetProperty("fixed_effects").EnumerateArray().Single(f => f.GetProperty("term").GetString() == term);
            var row = Regex.Match(overview, $"<tr data-term=\"{term}\">(.*?)</tr>").Groups[1].Value;
            Assert.Contains($"<td>{F(effect.GetProperty("estimate"))}</td><td>{F(effect.GetProperty("ci_low"))} to {F(effect.GetProperty("ci_high"))}</td>", row, StringComparison.Ordinal);
        }

        Assert.Contains($"{model.GetProperty("n_observations").GetInt32()} session pairs from {model.GetProperty("n_patients").GetInt32()} patients", overview, StringComparison.Ordinal);
    }

    private static string F(JsonElement number) => number.GetDouble().ToString("0.00", CultureInfo.InvariantCulture);

    private static string Section(string html, string id)
    {
        var start = html.IndexOf($"<section id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    [GeneratedRegex("<article class=\"alert sev-(\\d)\" id=\"alert-([0-9a-f-]{36})\"")]
    private static partial Regex OpenAlert();

    [GeneratedRegex("<a href=\"([^\"]+)\" rel=\"next\"")]
    private static partial Regex NextPage();

    [GeneratedRegex("<tr><th scope=\"row\"><a href=\"/patients/[^\"]+\">([^<]+)</a>")]
    private static partial Regex PatientRow();
}
