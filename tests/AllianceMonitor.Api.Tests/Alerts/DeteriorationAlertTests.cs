using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>The deterioration alert on the live path: raised, kept once, withdrawn by a correction, and governed by the clinic's settings.</summary>
public sealed class DeteriorationAlertTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Six_points_worse_on_the_phq9_raises_a_deterioration_with_its_own_evidence_and_five_does_not()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutPhq9Async(tenant, "p-5", 4, 9);
        await PutPhq9Async(tenant, "p-6", 4, 8, 10);

        var alert = Assert.Single(await AlertsAsync(tenant));
        Assert.Equal(("p-6", AlertKind.Deterioration, "phq-9", 3, 3), (alert.PatientId, alert.Kind, alert.Instrument, alert.Session, alert.Severity));
        Assert.Equal(AlertStatus.Open, alert.Status);
        Assert.Null(alert.RuptureStatus);
        var e = alert.Evidence;
        Assert.Equal((10.0, 4.0, 6.0, 6.0, 1), (e.Observed, e.Baseline, e.Change, e.Threshold, e.FirstSession));
        Assert.Equal((DeteriorationRule.Rule, DeteriorationRule.RuleVersion), (e.Rule, e.RuleVersion));
        Assert.StartsWith("NHS Talking Therapies", e.ThresholdSource, StringComparison.Ordinal);
        Assert.StartsWith("Depression (PHQ-9) 10 at session 3 against 4 at the first rated session (session 1): 6 points worse", e.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deterioration_that_goes_on_keeps_its_one_alert_and_a_replayed_put_changes_nothing()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutPhq9Async(tenant, "p-1", 4, 11, 12, 14);
        var first = Assert.Single(await AlertsAsync(tenant));

        await PutPhq9Async(tenant, "p-1", 4, 11, 12, 14);
        var again = Assert.Single(await AlertsAsync(tenant));

        Assert.Equal((first.Id, 2, first.UpdatedAt), (again.Id, again.Session, again.UpdatedAt));
    }

    [Fact]
    public async Task A_correction_that_removes_the_deterioration_withdraws_the_alert_and_undoing_it_reopens_the_same_alert()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutPhq9Async(tenant, "p-1", 4, 11);
        var raised = Assert.Single(await AlertsAsync(tenant));

        await PutSessionAsync(tenant, "p-1", 2, 8);
        Assert.Empty(await AlertsAsync(tenant));
        var withdrawn = Assert.Single(await AlertsAsync(tenant, "?status=withdrawn"));
        Assert.Equal(raised.Id, withdrawn.Id);

        // A corrected first session moves the baseline of every later one.
        await PutSessionAsync(tenant, "p-1", 2, 11);
        Assert.Equal(raised.Id, Assert.Single(await AlertsAsync(tenant)).Id);
        await PutSessionAsync(tenant, "p-1", 1, 6);
        Assert.Equal(AlertStatus.Withdrawn, Assert.Single(await AlertsAsync(tenant, "?status=withdrawn")).Status);
    }

    [Fact]
    public async Task It_follows_the_same_workflow_as_a_rupture()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutPhq9Async(tenant, "p-1", 4, 11);
        var alert = Assert.Single(await AlertsAsync(tenant));
        var clinician = factory.Client(tenant.Clinician);

        var acknowledged = await clinician.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { note = "discussed_with_patient" });
        var resolved = await clinician.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/resolve", new { note = "follow_up_planned" });

        Assert.Equal(HttpStatusCode.OK, acknowledged.StatusCode);
        Assert.Equal(AlertStatus.Resolved, (await resolved.Content.ReadFromJsonAsync<AlertResponse>())!.Status);
        Assert.Equal(AlertKind.Deterioration, Assert.Single(await AlertsAsync(tenant, "?status=resolved&kind=deterioration")).Kind);
    }

    [Fact]
    public async Task Settings_switch_deterioration_alerts_off_or_choose_the_measures()
    {
        var (off, gadOnly, defaults) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(off.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { deteriorationAlerts = false });
        var put = await factory.Client(gadOnly.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { deteriorationInstruments = new[] { "gad-7" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        foreach (var tenant in new[] { off, gadOnly, defaults })
        {
            await PutPhq9Async(tenant, "p-1", 4, 11);
        }

        Assert.Empty(await AlertsAsync(off));
        Assert.Empty(await AlertsAsync(gadOnly));
        Assert.Single(await AlertsAsync(defaults));
        var read = (await factory.Client(gadOnly.Clinician).GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings"))!;
        Assert.Equal(["gad-7"], read.Settings.DeteriorationInstruments!);
        Assert.True(read.Defaults.DeteriorationAlerts);
    }

    [Theory]
    [InlineData("{\"deteriorationInstruments\": [\"wai-sr\"]}", "deteriorationInstruments")]
    [InlineData("{\"deteriorationInstruments\": [\"phq-9\", \"phq-9\"]}", "deteriorationInstruments")]
    [InlineData("{\"deteriorationInstruments\": [\"bdi\"]}", "deteriorationInstruments")]
    [InlineData("{\"deteriorationAlerts\": \"yes\"}", "$.deteriorationAlerts")]
    public async Task A_bad_deterioration_setting_is_a_problem_naming_the_field(string body, string field)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);

        var response = await admin.PutAsync("/api/v1/clinics/current/settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await admin.GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings"))!.UpdatedAt);
    }

    private async Task PutSessionAsync(Tenant tenant, string patient, int session, int phq9)
    {
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{session}", Ratings.Phq9Session(phq9));
        Assert.True(response.IsSuccessStatusCode, $"session {session}: {(int)response.StatusCode}");
    }

    private async Task PutPhq9Async(Tenant tenant, string patient, params int[] totals)
    {
        for (var i = 0; i < totals.Length; i++)
        {
            await PutSessionAsync(tenant, patient, i + 1, totals[i]);
        }
    }

    private async Task<IReadOnlyList<AlertResponse>> AlertsAsync(Tenant tenant, string query = "") =>
        (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts" + query))!.Items;
}
