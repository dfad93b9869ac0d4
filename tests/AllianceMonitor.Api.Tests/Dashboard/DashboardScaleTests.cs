using System.Globalization;
using System.Text.Json;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Dashboard;
using AllianceMonitor.Api.Development;
using AllianceMonitor.Api.Tests.Export;
using AllianceMonitor.Api.Tests.Infrastructure;
using AngleSharp.Dom;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>A demo clinic with more open alerts and patients than one page holds.</summary>
public sealed class DemoClinicFactory : ApiFactory, IAsyncLifetime
{
    public string ClinicianKey { get; private set; } = "";

    /// <summary>Every count the seeder reported for the progress line, in the order they came.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<int> ReportedWritten { get; } = new();

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        ClinicianKey = await DemoSeeder.SeedAsync(
            Services, TextWriter.Null, CancellationToken.None, patients: 240, parallelism: 2, onPatientWritten: ReportedWritten.Enqueue);
    }
}

/// <summary>Paging, search and the overview's numbers, over HTTP.</summary>
public sealed class DashboardScaleTests(DemoClinicFactory factory) : IClassFixture<DemoClinicFactory>
{
    [Fact]
    public void Seeding_reports_each_written_patient_once_for_the_progress_line()
    {
        Assert.Equal(Enumerable.Range(1, 240), factory.ReportedWritten.Order());
    }

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
            var page = await session.PageAsync(url);
            var onPage = Alerts(page, "open-alerts").ToList();
            Assert.InRange(onPage.Count, 1, InboxQuery.PageSize);
            Assert.Equal($"open alerts {seen.Count + 1}–{seen.Count + onPage.Count} of {expected.Count}", page.QuerySelector("nav.pager span")!.TextContent);
            seen.AddRange(onPage);
            url = page.QuerySelector("a[rel=next]")?.GetAttribute("href");
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

        var open = await session.PageAsync("/?status=open");
        Assert.Equal("/?status=open&page=2", open.QuerySelector("a[rel=next]")!.GetAttribute("href"));
        var beyond = await session.PageAsync("/?status=open&page=9999");
        Assert.Null(beyond.QuerySelector("[rel=next]"));
        Assert.Equal("/?status=open", beyond.QuerySelector("a[rel=prev]")!.GetAttribute("href"));
        Assert.NotEmpty(Alerts(beyond, "open-alerts"));

        var ruptures = await session.PageAsync("/?kind=rupture");
        Assert.NotEmpty(Alerts(ruptures, "open-alerts"));
        Assert.DoesNotContain("Low alliance ·", Section(ruptures, "open-alerts").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_patient_list_pages_and_finds_patients_by_the_start_of_their_id()
    {
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(factory.ClinicianKey);
        await using var db = factory.NewDbContext();
        var demo = await db.Clinics.Where(c => c.Name == DemoSeeder.ClinicName).Select(c => c.Id).SingleAsync();
        var all = await db.Patients.Where(p => p.ClinicId == demo).Select(p => p.ExternalId).OrderBy(id => id).ToListAsync();

        Assert.Equal(all.Take(PatientListQuery.PageSize), PatientRows(await session.PageAsync("/patients")));
        Assert.Equal(all.Skip(PatientListQuery.PageSize).Take(PatientListQuery.PageSize), PatientRows(await session.PageAsync("/patients?page=2")));

        var prefix = all[17][..^1];
        var found = await session.PageAsync("/patients?q=" + Uri.EscapeDataString(prefix));
        Assert.Equal(all.Where(id => id.StartsWith(prefix, StringComparison.Ordinal)), PatientRows(found));
        Assert.Empty(PatientRows(await session.PageAsync("/patients?q=no-such-patient")));
    }

    [Fact]
    public async Task The_overview_shows_the_models_of_the_analysis_summary()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(24, seed: 11));
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var overview = await session.PageAsync("/overview");
        using var summary = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"));

        var nullModel = summary.RootElement.GetProperty("null_model");
        Assert.Equal(F(nullModel.GetProperty("icc")), overview.QuerySelector("dd#icc")!.TextContent);
        Assert.Equal(F(nullModel.GetProperty("within_sd")), overview.QuerySelector("dd#within-sd")!.TextContent);
        var model = summary.RootElement.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "alliance_to_symptoms");
        foreach (var term in new[] { "alliance_within", "alliance_between" })
        {
            var effect = model.GetProperty("fixed_effects").EnumerateArray().Single(f => f.GetProperty("term").GetString() == term);
            var cells = overview.QuerySelectorAll($"tr[data-term='{term}'] td").Select(td => td.TextContent);
            Assert.Equal([F(effect.GetProperty("estimate")), $"{F(effect.GetProperty("ci_low"))} to {F(effect.GetProperty("ci_high"))}"], cells);
        }

        Assert.Contains($"{model.GetProperty("n_observations").GetInt32()} session pairs from {model.GetProperty("n_patients").GetInt32()} patients", overview.Body!.TextContent, StringComparison.Ordinal);
    }

    private static string F(JsonElement number) => number.GetDouble().ToString("0.00", CultureInfo.InvariantCulture);

    private static IElement Section(IParentNode page, string id) =>
        page.QuerySelector($"section#{id}") ?? throw new Xunit.Sdk.XunitException($"no section {id}");

    /// <summary>Each alert of a section with the severity its class names (sev-N), in page order.</summary>
    private static IEnumerable<(Guid Id, int Severity)> Alerts(IParentNode page, string section) =>
        Section(page, section).QuerySelectorAll("article.alert").Select(a => (
            Guid.Parse(a.Id!["alert-".Length..]),
            int.Parse(a.ClassList.Single(c => c.StartsWith("sev-", StringComparison.Ordinal))[4..], CultureInfo.InvariantCulture)));

    private static IEnumerable<string> PatientRows(IParentNode page) =>
        page.QuerySelectorAll("#patients tbody tr th[scope=row] a").Select(a => a.TextContent);
}
