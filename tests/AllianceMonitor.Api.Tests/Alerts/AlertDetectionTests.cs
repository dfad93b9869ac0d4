using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>
/// The live path: each session PUT runs the detector in its own transaction. WAI-SR totals here are 54 (item mean
/// 4.5, the patient's usual level) and 30 (2.5, a drop of about six within-patient SDs under the default calibration).
/// </summary>
public sealed class AlertDetectionTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const int Usual = 54;
    private const int Dip = 30;

    [Fact]
    public async Task A_drop_from_the_patients_own_baseline_raises_one_open_rupture_with_its_evidence()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual, Dip);

        var alert = Assert.Single(await AlertsAsync(tenant));
        Assert.Equal(("p-1", "rupture", 3, "open", "open", 2), (alert.PatientId, alert.Kind.StoredName(), alert.Session, alert.Status.StoredName(), alert.RuptureStatus?.StoredName(), alert.Severity));
        Assert.Equal(("wai-sr", "client", "t-7"), (alert.Instrument, alert.Rater.StoredName(), alert.TherapistId));
        Assert.Equal(2.5, alert.Evidence.Observed, 1e-9);
        Assert.InRange(alert.Evidence.Baseline, 4.2, 4.5);
        Assert.True(alert.Evidence.DropInSds > 2, $"drop {alert.Evidence.DropInSds} SDs");
        Assert.True(alert.Evidence.DefaultCalibration);
        Assert.Equal(0, alert.Evidence.CalibrationVersion);
        Assert.StartsWith("Alliance (WAI-SR) 2.5 where this patient's own earlier ratings predicted about 4.4", alert.Evidence.Explanation, StringComparison.Ordinal);
        Assert.Contains("default values", alert.Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stable_ratings_raise_nothing()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", 54, 53, 55, 54, 52, 54);
        Assert.Empty(await AlertsAsync(tenant));
    }

    [Fact]
    public async Task A_return_to_baseline_within_the_window_repairs_the_same_alert()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual, Dip);
        var raised = Assert.Single(await AlertsAsync(tenant));

        await PutAsync(tenant, "p-1", 4, Usual);

        var repaired = Assert.Single(await AlertsAsync(tenant));
        Assert.Equal(raised.Id, repaired.Id);
        Assert.Equal(("repaired", 1, 4), (repaired.RuptureStatus?.StoredName(), repaired.Severity, repaired.StatusSession));
        Assert.Equal(raised.Evidence, repaired.Evidence);
        Assert.True(repaired.UpdatedAt > raised.UpdatedAt);
    }

    [Fact]
    public async Task A_dip_that_lasts_past_the_window_becomes_unrepaired_and_more_severe()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual, Dip, Dip, Dip);
        Assert.Equal("open", Assert.Single(await AlertsAsync(tenant), a => a.Kind.StoredName() == "rupture").RuptureStatus?.StoredName());

        await PutAsync(tenant, "p-1", 6, Dip);

        var rupture = Assert.Single(await AlertsAsync(tenant), a => a.Kind.StoredName() == "rupture");
        Assert.Equal(("unrepaired", 3, 6), (rupture.RuptureStatus?.StoredName(), rupture.Severity, rupture.StatusSession));
    }

    [Fact]
    public async Task A_chronically_low_level_raises_a_low_alliance_alert_not_a_rupture()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Dip, Dip, Dip, Dip);

        var alert = Assert.Single(await AlertsAsync(tenant));
        Assert.Equal(("low_alliance", 3, 1, null), (alert.Kind.StoredName(), alert.Session, alert.Severity, alert.RuptureStatus?.StoredName()));
        Assert.Contains("lowest tenth", alert.Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrected_session_withdraws_its_alert_and_a_second_correction_brings_the_same_one_back()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual, Dip);
        var raised = Assert.Single(await AlertsAsync(tenant));

        await PutAsync(tenant, "p-1", 3, Usual);
        Assert.Empty(await AlertsAsync(tenant));
        var withdrawn = Assert.Single(await AlertsAsync(tenant, "?status=withdrawn"));
        Assert.Equal(raised.Id, withdrawn.Id);

        await PutAsync(tenant, "p-1", 3, Dip);
        var back = Assert.Single(await AlertsAsync(tenant));
        Assert.Equal((raised.Id, "open"), (back.Id, back.Status.StoredName()));

        await using var db = factory.NewDbContext();
        Assert.Equal(1, await db.Alerts.CountAsync(a => a.ClinicId == tenant.ClinicId));
    }

    [Fact]
    public async Task Replaying_the_same_put_changes_no_alert()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual, Dip);
        var before = Assert.Single(await AlertsAsync(tenant));

        await PutAsync(tenant, "p-1", 3, Dip);

        Assert.Equal(before, Assert.Single(await AlertsAsync(tenant)));
    }

    [Fact]
    public async Task Evidence_raised_at_a_session_does_not_change_when_later_sessions_arrive()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, 52, Dip);
        var atRaising = Assert.Single(await AlertsAsync(tenant));

        foreach (var (session, total) in new[] { (4, 40), (5, 56), (6, 20), (7, 50) })
        {
            await PutAsync(tenant, "p-1", session, total);
        }

        var later = (await AlertsAsync(tenant)).Single(a => a.Session == 3);
        Assert.Equal(atRaising.Evidence, later.Evidence);
    }

    [Fact]
    public async Task A_session_arriving_late_is_judged_and_later_alerts_are_judged_again()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutAsync(tenant, "p-1", 1, Usual);
        await PutAsync(tenant, "p-1", 3, Dip);
        Assert.Empty(await AlertsAsync(tenant));

        await PutAsync(tenant, "p-1", 2, Usual);

        var alert = Assert.Single(await AlertsAsync(tenant));
        Assert.Equal(3, alert.Session);
    }

    [Fact]
    public async Task A_failed_session_put_leaves_no_alert_behind()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual);
        var invalid = new { measurements = new object[] { new { instrument = "wai-sr", items = Ratings.WaiSr(Dip) }, new { instrument = "phq-9", items = new[] { 9, 9 } } } };

        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/3", invalid);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await AlertsAsync(tenant));
    }

    [Fact]
    public async Task Erasing_a_patient_erases_their_alerts()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutSeriesAsync(tenant, "p-1", Usual, Usual, Dip);

        await factory.Client(tenant.ClinicAdmin).DeleteAsync("/api/v1/patients/p-1");

        await using var db = factory.NewDbContext();
        Assert.Equal(0, await db.Alerts.CountAsync(a => a.ClinicId == tenant.ClinicId));
    }

    private Task PutSeriesAsync(Tenant tenant, string patient, params int[] totals) =>
        Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), patient, totals);

    private async Task PutAsync(Tenant tenant, string patient, int session, int total)
    {
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{session}", Ratings.Session(total));
        Assert.True(response.IsSuccessStatusCode, $"session {session}: {(int)response.StatusCode}");
    }

    private async Task<IReadOnlyList<AlertResponse>> AlertsAsync(Tenant tenant, string query = "") =>
        (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts" + query))!.Items;
}
