using System.Net.Http.Json;
using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>
/// The unnoticed-drop alert on the live path: a client's WAI-SR rupture at session 5 while the therapist's WAI-SR-T of
/// the same session stays in its own usual range. Raised, not raised, withdrawn by a correction of either side, and
/// raised when the therapist's rating comes after the client's.
/// </summary>
public sealed class UnnoticedDropAlertTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    // Client WAI-SR totals (item sum, 12-60): steady near 4.3 per item, then 35 (2.9) at session 5.
    private static readonly int[] Client = [52, 50, 52, 51, 35];

    // Therapist WAI-SR-T totals: steady near 3.9 per item, session 5 included.
    private static readonly int[] TherapistSteady = [47, 46, 47, 46, 46];

    [Fact]
    public async Task A_client_rupture_the_therapist_rating_did_not_register_raises_it_on_the_client_series_with_both_sides()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutBothAsync(tenant, Client, TherapistSteady);

        var alerts = await AlertsAsync(tenant);
        var rupture = Assert.Single(alerts, a => a.Kind == AlertKind.Rupture);
        var alert = Assert.Single(alerts, a => a.Kind == AlertKind.UnnoticedDrop);
        Assert.Equal(("p-1", "wai-sr", Rater.Client, 5, UnnoticedDropRule.Severity, AlertStatus.Open),
            (alert.PatientId, alert.Instrument, alert.Rater, alert.Session, alert.Severity, alert.Status));
        Assert.Null(alert.RuptureStatus);
        var e = alert.Evidence;
        Assert.Equal((UnnoticedDropRule.Rule, UnnoticedDropRule.RuleVersion), (e.Rule, e.RuleVersion));
        Assert.Equal((rupture.Evidence.Observed, rupture.Evidence.Baseline), (e.Observed, e.Baseline));
        Assert.Equal(46 / 12.0, e.TherapistObserved!.Value, 9);
        Assert.True(e.TherapistObserved > e.TherapistBaseline - e.TherapistThreshold);
        Assert.Contains("the therapist's rating did not register the client's drop", e.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_raised_when_the_therapist_rating_dropped_too_or_there_is_no_therapist_rating()
    {
        var (dropped, none) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await PutBothAsync(dropped, Client, [47, 46, 47, 46, 30]);
        await PutBothAsync(none, Client, null);

        Assert.DoesNotContain(await AlertsAsync(dropped), a => a.Kind == AlertKind.UnnoticedDrop);
        Assert.Contains(await AlertsAsync(dropped), a => a.Kind == AlertKind.Rupture && a.Rater == Rater.Therapist && a.Session == 5);
        var alerts = await AlertsAsync(none);
        Assert.Contains(alerts, a => a.Kind == AlertKind.Rupture && a.Session == 5);
        Assert.DoesNotContain(alerts, a => a.Kind == AlertKind.UnnoticedDrop);
    }

    [Fact]
    public async Task Correcting_the_client_rating_so_the_rupture_goes_withdraws_it()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutBothAsync(tenant, Client, TherapistSteady);
        var raised = Assert.Single(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop);

        await PutSessionAsync(tenant, 5, 51, 46);

        Assert.Empty(await AlertsAsync(tenant));
        var withdrawn = await AlertsAsync(tenant, "?status=withdrawn&kind=unnoticed_drop");
        Assert.Equal(raised.Id, Assert.Single(withdrawn).Id);
    }

    [Fact]
    public async Task Correcting_the_therapist_rating_to_show_the_drop_withdraws_it_and_the_client_rupture_stays()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutBothAsync(tenant, Client, TherapistSteady);
        var raised = Assert.Single(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop);

        await PutSessionAsync(tenant, 5, 35, 30);

        var alerts = await AlertsAsync(tenant);
        Assert.DoesNotContain(alerts, a => a.Kind == AlertKind.UnnoticedDrop);
        Assert.Contains(alerts, a => a.Kind == AlertKind.Rupture && a.Rater == Rater.Client && a.Session == 5);
        Assert.Equal(raised.Id, Assert.Single(await AlertsAsync(tenant, "?status=withdrawn&kind=unnoticed_drop")).Id);

        // Undoing the correction brings the same alert back, not a second one.
        await PutSessionAsync(tenant, 5, 35, 46);
        Assert.Equal(raised.Id, Assert.Single(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop).Id);
    }

    [Fact]
    public async Task Correcting_an_earlier_therapist_rating_re_judges_the_later_session()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutBothAsync(tenant, Client, TherapistSteady);
        Assert.Single(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop);

        // With the therapist's first four ratings removed, session 5 has no therapist baseline to be judged against.
        for (var session = 1; session <= 4; session++)
        {
            await PutSessionAsync(tenant, session, Client[session - 1], null);
        }

        Assert.DoesNotContain(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop);
    }

    [Fact]
    public async Task A_therapist_rating_that_arrives_after_the_clients_raises_it_then()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutBothAsync(tenant, Client[..4], TherapistSteady[..4]);
        await PutSessionAsync(tenant, 5, Client[4], null);
        Assert.Contains(await AlertsAsync(tenant), a => a.Kind == AlertKind.Rupture && a.Session == 5);
        Assert.DoesNotContain(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop);

        await PutSessionAsync(tenant, 5, Client[4], TherapistSteady[4]);

        var alert = Assert.Single(await AlertsAsync(tenant), a => a.Kind == AlertKind.UnnoticedDrop);
        Assert.Equal(5, alert.Session);
    }

    [Fact]
    public async Task It_follows_the_alert_workflow_and_the_clinic_can_switch_it_off()
    {
        var (on, off) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        var put = await factory.Client(off.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { unnoticedDropAlerts = false });
        Assert.True(put.IsSuccessStatusCode);
        await PutBothAsync(on, Client, TherapistSteady);
        await PutBothAsync(off, Client, TherapistSteady);

        Assert.DoesNotContain(await AlertsAsync(off), a => a.Kind == AlertKind.UnnoticedDrop);
        var alert = Assert.Single(await AlertsAsync(on), a => a.Kind == AlertKind.UnnoticedDrop);
        var clinician = factory.Client(on.Clinician);
        (await clinician.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/acknowledge", new { note = "discussed_with_patient" })).EnsureSuccessStatusCode();
        var resolved = await clinician.PostAsJsonAsync($"/api/v1/alerts/{alert.Id}/resolve", new { note = "follow_up_planned" });
        Assert.Equal(AlertStatus.Resolved, (await resolved.Content.ReadFromJsonAsync<AlertResponse>())!.Status);
        var read = (await clinician.GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings"))!;
        Assert.True(read.Defaults.UnnoticedDropAlerts);
    }

    private async Task PutBothAsync(Tenant tenant, int[] client, int[]? therapist)
    {
        for (var i = 0; i < client.Length; i++)
        {
            await PutSessionAsync(tenant, i + 1, client[i], therapist?[i]);
        }
    }

    /// <summary>A session PUT carries every form of the session: a form left out is no longer in force.</summary>
    private async Task PutSessionAsync(Tenant tenant, int session, int client, int? therapist)
    {
        var measurements = new List<object> { new { instrument = "wai-sr", items = Ratings.WaiSr(client) } };
        if (therapist is { } t)
        {
            measurements.Add(new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(t) });
        }

        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync(
            $"/api/v1/patients/p-1/sessions/{session}", new { occurredOn = "2026-11-02", modality = "video", therapistId = "t-7", measurements });
        Assert.True(response.IsSuccessStatusCode, $"session {session}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<IReadOnlyList<AlertResponse>> AlertsAsync(Tenant tenant, string query = "") =>
        (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts" + query))!.Items;
}
