using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Alerts;

public sealed class SettingsAndCalibrationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Settings_start_at_the_defaults_and_a_put_replaces_them_with_omitted_fields_defaulted()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);

        var initial = (await admin.GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings"))!;
        Assert.Equal(DetectorSettings.Default, initial.Settings);
        Assert.Null(initial.UpdatedAt);

        var put = await admin.PutAsJsonAsync("/api/v1/clinics/current/settings", new { k = 3.5, repairWindow = 4 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var read = (await factory.Client(tenant.Clinician).GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings"))!;
        Assert.Equal(DetectorSettings.Default with { K = 3.5, RepairWindow = 4 }, read.Settings);
        Assert.NotNull(read.UpdatedAt);
    }

    [Theory]
    [InlineData("{\"k\": 0.5}", "k")]
    [InlineData("{\"lowAllianceQuantile\": 0.9}", "lowAllianceQuantile")]
    [InlineData("{\"refitEvery\": 1}", "refitEvery")]
    [InlineData("{\"sustainedK\": 0}", "sustainedK")]
    [InlineData("{\"k\": \"two\"}", "$.k")]
    [InlineData("{\"threshold\": 2}", "threshold")]
    [InlineData("{\"falseAlertBudget\": 0}", "falseAlertBudget")]
    [InlineData("{\"falseAlertBudget\": 50}", "falseAlertBudget")]
    public async Task A_bad_setting_is_a_problem_naming_the_field_and_changes_nothing(string body, string field)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);

        var response = await admin.PutAsync("/api/v1/clinics/current/settings", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null((await admin.GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings"))!.UpdatedAt);
    }

    [Fact]
    public async Task A_clinics_k_decides_whether_the_same_drop_raises_a_rupture_and_touches_no_other_clinic()
    {
        var (strict, lenient) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(strict.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { k = 5.0, sustainedK = 5.0 });
        await factory.Client(lenient.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { k = 2.0 });

        foreach (var tenant in new[] { strict, lenient })
        {
            await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 54, 54, 54, 42);
        }

        Assert.Empty(await AlertsAsync(strict));
        Assert.Equal("rupture", Assert.Single(await AlertsAsync(lenient)).Kind.StoredName());
    }

    [Fact]
    public async Task A_refit_with_too_few_patients_keeps_the_defaults_and_says_so()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Ratings.Session(54));

        var refit = await factory.Client(tenant.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null);

        var calibration = Assert.Single((await refit.Content.ReadFromJsonAsync<List<CalibrationResponse>>())!);
        Assert.Equal(("wai-sr", "client", 1, true, "manual", 1), (calibration.Instrument, calibration.Rater.StoredName(), calibration.Version, calibration.IsDefault, calibration.Trigger.StoredName(), calibration.Ratings));
    }

    [Fact]
    public async Task A_clinic_with_enough_data_is_calibrated_on_its_own_ratings_and_alerts_name_that_version()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { refitEvery = 100 });
        var simulated = SessionSimulator.Simulate(40, 5);
        await IngestAsync(tenant, simulated);

        // The automatic refit is due (more than 100 new sessions since no fit at all).
        await factory.Services.GetRequiredService<AutomaticRefit>().RefitDueClinicsAsync(CancellationToken.None);
        var calibration = Assert.Single((await factory.Client(tenant.Clinician).GetFromJsonAsync<List<CalibrationResponse>>("/api/v1/analysis/calibrations"))!);

        Assert.Equal((1, false, "auto", 40), (calibration.Version, calibration.IsDefault, calibration.Trigger.StoredName(), calibration.Patients));
        Assert.InRange(calibration.WithinSd, 0.15, 0.40);
        Assert.Equal("phq-9", calibration.SymptomInstrument);
        Assert.True(calibration.SymptomEffectPerPoint < 0, $"alliance_to_symptoms within effect {calibration.SymptomEffectPerPoint}");

        // Nothing new since the fit: not due again.
        await factory.Services.GetRequiredService<AutomaticRefit>().RefitDueClinicsAsync(CancellationToken.None);
        Assert.Equal(1, Assert.Single((await factory.Client(tenant.Clinician).GetFromJsonAsync<List<CalibrationResponse>>("/api/v1/analysis/calibrations"))!).Version);

        // The next session is judged against version 1, with the expected symptom change in its evidence.
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "new-patient", 56, 56, 56, 28);

        var alert = Assert.Single(await AlertsAsync(tenant), a => a.PatientId == "new-patient" && a.Kind.StoredName() == "rupture");
        Assert.Equal((1, false), (alert.Evidence.CalibrationVersion, alert.Evidence.DefaultCalibration));
        Assert.True(alert.Evidence.ExpectedSymptomChange > 0, "a dip goes with higher next-session symptoms");
        Assert.DoesNotContain("default values", alert.Evidence.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refit_never_changes_an_alert_already_raised_and_the_alert_states_its_threshold()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await IngestAsync(tenant, SessionSimulator.Simulate(40, 5));
        var admin = factory.Client(tenant.ClinicAdmin);
        var first = Assert.Single((await (await admin.PostAsync("/api/v1/analysis/refit", null)).Content.ReadFromJsonAsync<List<CalibrationResponse>>())!);
        Assert.Equal(PredictionModel.RobustMethod, first.Model!.Method);

        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "new-patient", 56, 56, 56, 28);
        var raised = Assert.Single(await AlertsAsync(tenant), a => a.PatientId == "new-patient" && a.Kind == AlertKind.Rupture);
        Assert.Equal((first.Version, RuptureDetector.RuleVersion, PredictionModel.RobustMethod), (raised.Evidence.CalibrationVersion, raised.Evidence.RuleVersion, raised.Evidence.Method));
        Assert.True(raised.Evidence.ThresholdSds > 1 && raised.Evidence.PredictionSd > 0, "the threshold in the clinic's own terms");
        Assert.True(raised.Evidence.DropInSds >= raised.Evidence.ThresholdSds, "the drop in SDs reached the threshold in SDs");
        Assert.True(raised.Evidence.Baseline - raised.Evidence.Observed >= raised.Evidence.Threshold, "the drop in points reached the threshold in points");

        // More data and a refit (version 2), then a later session of the same patient: the alert's repair tracking
        // moves on, its evidence stays what it was raised with.
        await IngestAsync(tenant, SessionSimulator.Simulate(30, 6), prefix: "more-");
        var second = Assert.Single((await (await admin.PostAsync("/api/v1/analysis/refit", null)).Content.ReadFromJsonAsync<List<CalibrationResponse>>())!);
        Assert.Equal(first.Version + 1, second.Version);
        Assert.NotEqual(first.Model, second.Model);
        (await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/new-patient/sessions/5", Ratings.Session(56))).EnsureSuccessStatusCode();

        var after = Assert.Single(await AlertsAsync(tenant), a => a.Id == raised.Id);
        Assert.Equal(raised.Evidence, after.Evidence);
        Assert.Equal(RuptureStatus.Repaired, after.RuptureStatus);
    }

    private async Task IngestAsync(Tenant tenant, SimulatedData simulated, string prefix = "")
    {
        var client = factory.Client(tenant.Ingest);
        foreach (var o in simulated.Observations.Where(o => o.Alliance.HasValue && o.Symptoms.HasValue))
        {
            var body = Ratings.Session((int)Math.Round(o.Alliance!.Value * 12), (int)o.Symptoms!.Value);
            (await client.PutAsJsonAsync($"/api/v1/patients/{prefix}{o.PatientId}/sessions/{o.Session}", body)).EnsureSuccessStatusCode();
        }
    }

    private async Task<IReadOnlyList<AlertResponse>> AlertsAsync(Tenant tenant) =>
        (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts?pageSize=200"))!.Items;
}
