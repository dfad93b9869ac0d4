using System.Net.Http.Json;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>Reliable change on the dashboard: each patient's status per measure in words, and the clinic's shares.</summary>
public sealed class ChangeStatusPageTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_patient_page_says_per_measure_where_the_patient_stands_in_plain_words()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        await PutAsync(ingest, "p-1", 1, phq9: 15, who5: [3, 3, 3, 3, 3]);
        await PutAsync(ingest, "p-1", 2, phq9: 16, who5: [2, 2, 2, 2, 2]);
        await PutAsync(ingest, "p-1", 3, phq9: 8, who5: [2, 2, 2, 2, 2]);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var page = await session.PageAsync("/patients/p-1");

        var rows = page.QuerySelectorAll("#change-status tbody tr").ToList();
        Assert.Equal(["phq-9", "who-5"], rows.Select(r => r.GetAttribute("data-instrument")));
        Assert.Equal(["recovered", "reliably_deteriorated"], rows.Select(r => r.GetAttribute("data-status")));
        Assert.Equal(
            "Recovered: 15 at session 1, now 8 at session 3, 7 points better (a reliable change is 6 points or more) and out of the clinical range.",
            rows[0].QuerySelectorAll("td")[1].TextContent);
        Assert.Equal(
            "Reliably deteriorated: 60% (raw 15) at session 1, now 40% (raw 10) at session 3, 20 percentage points worse (a reliable change is 10 percentage points or more).",
            rows[1].QuerySelectorAll("td")[1].TextContent);
    }

    [Fact]
    public async Task A_single_rating_is_not_yet_judged()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutAsync(factory.Client(tenant.Ingest), "p-1", 1, phq9: 15);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var row = (await session.PageAsync("/patients/p-1")).QuerySelector("#change-status tbody tr")!;

        Assert.Equal("Not yet judged", row.QuerySelectorAll("td")[0].TextContent);
        Assert.Equal("One rating so far (15 at session 1); change is judged from the second.", row.QuerySelectorAll("td")[1].TextContent);
    }

    [Fact]
    public async Task The_overview_counts_patients_recovered_improved_unchanged_and_deteriorated_with_shares()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        foreach (var (patient, first, latest) in new[] { ("a", 15, 8), ("b", 16, 10), ("c", 16, 12), ("d", 4, 10), ("e", 12, 12) })
        {
            await PutAsync(ingest, patient, 1, first);
            await PutAsync(ingest, patient, 2, 20);
            await PutAsync(ingest, patient, 3, latest);
        }

        await PutAsync(ingest, "f", 1, 20);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var row = (await session.PageAsync("/overview")).QuerySelector("#change-shares tbody tr[data-instrument='phq-9']")!;

        Assert.Equal(["5", "1 (20%)", "1 (20%)", "2 (40%)", "1 (20%)"], row.QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public async Task A_deterioration_alert_in_the_inbox_shows_its_own_evidence()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        await PutAsync(ingest, "p-1", 1, 4);
        await PutAsync(ingest, "p-1", 2, 11);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);

        var alert = (await session.PageAsync("/")).QuerySelector("#open-alerts article")!;

        Assert.StartsWith("Act Deterioration", alert.QuerySelector("h3")!.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Depression (PHQ-9) 11 at session 2 against 4", alert.QuerySelector(".explanation")!.TextContent, StringComparison.Ordinal);
        var evidence = alert.QuerySelectorAll("dl.evidence dd").Select(d => d.TextContent).ToList();
        Assert.Equal(["4 at session 1", "11 at session 2", "+7"], evidence.Take(3));
        Assert.StartsWith("6 points (NHS Talking Therapies", evidence[3], StringComparison.Ordinal);
    }

    private static async Task PutAsync(HttpClient ingest, string patient, int session, int phq9, int[]? who5 = null)
    {
        var measurements = new List<object> { new { instrument = "phq-9", items = Ratings.Phq9(phq9) } };
        if (who5 is not null)
        {
            measurements.Add(new { instrument = "who-5", items = who5 });
        }

        (await ingest.PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{session}", new { measurements })).EnsureSuccessStatusCode();
    }
}
