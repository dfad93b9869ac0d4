using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Alerts;

public sealed class AlertWorkflowTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_list_puts_the_most_severe_first_then_the_newest()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await SeriesAsync(tenant, "low", 30, 30, 30);              // low_alliance, severity 1
        await SeriesAsync(tenant, "open", 54, 54, 30);              // open rupture, severity 2
        await SeriesAsync(tenant, "unrepaired", 54, 54, 30, 30, 30, 30); // severity 3, plus a low level later

        var alerts = await ListAsync(tenant, "");

        Assert.Equal(alerts.OrderByDescending(a => a.Severity).ThenByDescending(a => a.CreatedAt).Select(a => a.Id), alerts.Select(a => a.Id));
        Assert.Equal(("unrepaired", 3), (alerts[0].PatientId, alerts[0].Severity));
        Assert.Equal(("open", 2), (alerts[1].PatientId, alerts[1].Severity));
    }

    [Fact]
    public async Task Filters_narrow_the_list_by_kind_therapist_status_and_time()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await SeriesAsync(tenant, "a", 54, 54, 30);
        var between = DateTimeOffset.UtcNow;
        await SeriesAsync(tenant, "b", [30, 30, 30], therapist: "t-other");

        Assert.Equal(["a"], (await ListAsync(tenant, "?kind=rupture")).Select(a => a.PatientId));
        Assert.Equal(["b"], (await ListAsync(tenant, "?kind=low_alliance")).Select(a => a.PatientId));
        Assert.Equal(["b"], (await ListAsync(tenant, "?therapistId=t-other")).Select(a => a.PatientId));
        Assert.Equal(["b"], (await ListAsync(tenant, $"?since={Uri.EscapeDataString(between.ToString("O"))}")).Select(a => a.PatientId));
        Assert.Equal(2, (await ListAsync(tenant, "?status=open")).Count);
        Assert.Empty(await ListAsync(tenant, "?status=resolved"));

        var page = await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts?pageSize=1&page=2");
        Assert.Equal((1, 2, 2), (page!.Items.Count, page.Page, page.TotalCount));
    }

    [Theory]
    [InlineData("?status=closed", "status")]
    [InlineData("?kind=dip", "kind")]
    [InlineData("?therapistId=Dr%20Smith", "therapistId")]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?since=yesterday", "since")]
    public async Task A_bad_filter_is_a_problem_naming_the_field(string query, string field)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Clinician).GetAsync("/api/v1/alerts" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(body["errors"]![field]);
        Assert.DoesNotContain("Nullable", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acknowledge_then_resolve_records_who_when_and_the_coded_note()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var alert = await OneRuptureAsync(tenant);
        var client = factory.Client(tenant.Clinician);

        var acknowledged = await ReadAsync(await client.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { note = "discussed_with_patient" }));
        Assert.Equal("acknowledged", acknowledged.Status.StoredName());
        Assert.Equal("discussed_with_patient", acknowledged.Acknowledged!.Note);
        Assert.NotNull(acknowledged.Acknowledged.By);

        var resolved = await ReadAsync(await client.PostAsync($"/api/v1/alerts/{alert.Id}/resolve", null));
        Assert.Equal("resolved", resolved.Status.StoredName());
        Assert.Null(resolved.Resolved!.Note);
        Assert.Equal(acknowledged.Acknowledged, resolved.Acknowledged);

        Assert.Equal(resolved, await client.GetFromJsonAsync<AlertResponse>($"/api/v1/alerts/{alert.Id}"));
        await using var db = factory.NewDbContext();
        var actions = await db.AuditLog.Where(e => e.ClinicId == tenant.ClinicId && e.Action.StartsWith("alert.")).Select(e => e.Action).ToListAsync();
        Assert.Contains("alert.acknowledge", actions);
        Assert.Contains("alert.resolve", actions);
    }

    [Fact]
    public async Task Repeating_a_step_changes_nothing_and_stepping_back_is_a_conflict()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var alert = await OneRuptureAsync(tenant);
        var client = factory.Client(tenant.Clinician);

        var first = await ReadAsync(await client.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/resolve", new { note = "repaired_in_session" }));
        var again = await ReadAsync(await client.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/resolve", new { note = "not_a_rupture" }));
        Assert.Equal(first, again);

        var back = await client.PostAsync($"/api/v1/alerts/{alert.Id}/acknowledge", null);
        Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
    }

    [Fact]
    public async Task A_free_text_note_is_refused_and_nothing_is_stored()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var alert = await OneRuptureAsync(tenant);

        var response = await factory.Client(tenant.Clinician)
            .PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { note = "Talked to Jane about her divorce" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"note\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("open", (await factory.Client(tenant.Clinician).GetFromJsonAsync<AlertResponse>($"/api/v1/alerts/{alert.Id}"))!.Status.StoredName());
    }

    [Fact]
    public async Task A_missing_alert_is_a_problem_404()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Clinician).PostAsync($"/api/v1/alerts/{Guid.NewGuid()}/resolve", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<AlertResponse> OneRuptureAsync(Tenant tenant)
    {
        await SeriesAsync(tenant, "p-1", 54, 54, 30);
        return Assert.Single(await ListAsync(tenant, ""));
    }

    private Task SeriesAsync(Tenant tenant, string patient, params int[] totals) => SeriesAsync(tenant, patient, totals, "t-7");

    private async Task SeriesAsync(Tenant tenant, string patient, int[] totals, string therapist)
    {
        for (var i = 0; i < totals.Length; i++)
        {
            var response = await factory.Client(tenant.Ingest)
                .PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{i + 1}", Ratings.Session(totals[i], therapistId: therapist));
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task<IReadOnlyList<AlertResponse>> ListAsync(Tenant tenant, string query) =>
        (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts" + query))!.Items;

    private static async Task<AlertResponse> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AlertResponse>())!;
    }
}
