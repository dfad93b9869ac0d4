using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Dashboard;
using AllianceMonitor.Api.Tests.Export;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>The supervisor view: for the clinic's admins only, alphabetical, small caseloads hidden, levels equal to the engine's.</summary>
public sealed class SupervisorPageTests(LowAnalysisMinimumsApiFactory factory) : IClassFixture<LowAnalysisMinimumsApiFactory>
{
    /// <summary>FittableClinic's four therapists of six patients, and a fifth therapist with two patients (below the minimum caseload).</summary>
    private static List<SeedSession> Clinic() =>
        ExportKit.FittableClinic(26, seed: 7).Select(s => s.Patient is "f-24" or "f-25" ? s with { Therapist = "t-small" } : s).ToList();

    [Fact]
    public async Task A_clinician_without_the_admin_role_is_refused_and_sees_no_link()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var response = await session.Http.GetAsync("/supervisor");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        // The cookie scheme's access-denied path: the sign-in page, where a key with the admin role can be used instead.
        Assert.Equal("/login", new Uri(session.Http.BaseAddress!, response.Headers.Location!).AbsolutePath);
        var overview = await session.PageAsync("/overview");
        Assert.DoesNotContain(overview.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == "/supervisor");
    }

    [Fact]
    public async Task An_admin_sees_every_therapist_with_enough_patients_by_id_with_levels_equal_to_the_engine()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, Clinic());
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(await SupervisorKeyAsync(tenant));

        var overview = await session.PageAsync("/overview");
        Assert.Contains(overview.QuerySelectorAll("nav a"), a => a.GetAttribute("href") == "/supervisor");
        var page = await session.PageAsync("/supervisor");
        Assert.Equal("page", page.QuerySelector("nav a[href='/supervisor']")!.GetAttribute("aria-current"));
        Assert.NotNull(page.QuerySelector("#reading"));

        var rows = page.QuerySelectorAll("#therapists tbody tr").ToList();
        var ids = rows.Select(r => r.GetAttribute("data-therapist")!).ToList();
        Assert.Equal(["t-0", "t-1", "t-2", "t-3"], ids);
        Assert.Contains("1 not shown because their caseload is below 5 patients", page.QuerySelector("#hidden")!.TextContent, StringComparison.Ordinal);

        // The engine on the exported rows (pseudonymised ids there, so compare the levels as a set, with their caseloads).
        var table = ExportTable.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/sessions"));
        var observations = table.Rows.Select(r => new SessionObservation(
            table.Cell(r, "patient_id"), table.Cell(r, "therapist_id"), int.Parse(table.Cell(r, "session"), CultureInfo.InvariantCulture),
            table.Number(r, "alliance"), table.Number(r, "symptoms"))).ToList();
        var expected = TherapistAllianceLevels.Fit(observations, LowAnalysisMinimumsApiFactory.MinTherapists).Therapists
            .Where(l => l.Patients >= SupervisorQuery.MinCaseload).Select(l => (l.Patients, l.Level, l.CiLow, l.CiHigh)).OrderBy(x => x.Level).ToList();
        var shown = rows.Select(r => (
            Patients: int.Parse(r.Children[1].TextContent, CultureInfo.InvariantCulture),
            Level: Exact(r, "data-level"), CiLow: Exact(r, "data-ci-low"), CiHigh: Exact(r, "data-ci-high"))).OrderBy(x => x.Level).ToList();
        Assert.Equal(expected.Count, shown.Count);
        foreach (var (e, a) in expected.Zip(shown))
        {
            Assert.Equal(e.Patients, a.Patients);
            Assert.Equal(e.Level, a.Level, 1e-9);
            Assert.Equal(e.CiLow, a.CiLow, 1e-9);
            Assert.Equal(e.CiHigh, a.CiHigh, 1e-9);
        }

        // Each repaired count is out of the decided ruptures, and the shrunk rate is a share.
        foreach (var row in rows)
        {
            var counts = row.Children[5].TextContent.Split(" of ");
            Assert.InRange(int.Parse(counts[0], CultureInfo.InvariantCulture), 0, int.Parse(counts[1], CultureInfo.InvariantCulture));
            if (row.GetAttribute("data-repair") is { Length: > 0 } repair)
            {
                Assert.InRange(double.Parse(repair, CultureInfo.InvariantCulture), 0, 1);
            }
        }
    }

    [Fact]
    public async Task Below_the_minimum_of_therapists_the_page_says_why_and_shows_no_figures()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(12, seed: 3).Select(s => s with { Therapist = s.Patient.EndsWith('1') ? "t-a" : "t-b" }));
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(await SupervisorKeyAsync(tenant));

        var page = await session.PageAsync("/supervisor");
        Assert.Null(page.QuerySelector("#therapists"));
        Assert.Contains("at least 3 therapists", page.QuerySelector("#no-fit")!.TextContent, StringComparison.Ordinal);
    }

    private static double Exact(AngleSharp.Dom.IElement row, string attribute) =>
        double.Parse(row.GetAttribute(attribute)!, CultureInfo.InvariantCulture);

    /// <summary>A clinic admin who signs in to the dashboard: a key with both the clinician and the admin role.</summary>
    private async Task<string> SupervisorKeyAsync(Tenant tenant)
    {
        var response = await factory.Admin().PostAsJsonAsync(
            $"/api/v1/clinics/{tenant.ClinicId}/api-keys", new { name = "supervisor", roles = new[] { Roles.Clinician, Roles.Admin } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AllianceMonitor.Api.Clinics.CreatedApiKeyResponse>())!.Key;
    }
}
