using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>A clinic's keys never reach another clinic's data, and a 404 gives no hint that it exists elsewhere.</summary>
public sealed class TenantIsolationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/api/v1/patients/{0}")]
    [InlineData("/api/v1/patients/{0}/sessions/1/revisions")]
    [InlineData("/api/v1/patients/{0}/trajectory")]
    public async Task Another_clinics_patient_is_not_found_exactly_like_a_missing_one(string template)
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/shared-id/sessions/1", Bodies.Session());

        var foreign = await factory.Client(b.Clinician).GetAsync(string.Format(null, template, "shared-id"));
        var missing = await factory.Client(b.Clinician).GetAsync(string.Format(null, template, "never-seen"));

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(await ShapeAsync(missing, "never-seen"), await ShapeAsync(foreign, "shared-id"));
    }

    [Fact]
    public async Task The_patient_list_shows_only_the_callers_clinic()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/a-only/sessions/1", Bodies.Session());
        await factory.Client(b.Ingest).PutAsJsonAsync("/api/v1/patients/b-only/sessions/1", Bodies.Session());

        var page = await factory.Client(b.Clinician).GetFromJsonAsync<PagedList<PatientSummary>>("/api/v1/patients");
        Assert.Equal(["b-only"], page!.Items.Select(p => p.PatientId));
    }

    [Fact]
    public async Task Writing_the_same_patient_id_in_another_clinic_creates_that_clinics_own_patient()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/same/sessions/1", Bodies.Session());

        var putPatient = await factory.Client(b.Ingest).PutAsJsonAsync("/api/v1/patients/same", new { therapistId = "t-b" });
        var putSession = await factory.Client(b.Ingest).PutAsJsonAsync("/api/v1/patients/same/sessions/1", Bodies.Session(waiSr: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));

        Assert.Equal(HttpStatusCode.Created, putPatient.StatusCode);
        Assert.Equal(HttpStatusCode.Created, putSession.StatusCode);
        var inA = await factory.Client(a.Clinician).GetFromJsonAsync<SessionRevisionsResponse>("/api/v1/patients/same/sessions/1/revisions");
        Assert.All(inA!.Revisions, r => Assert.Equal(1, r.Revision));
        Assert.Equal(52.0 / 12, inA.Revisions.Single(r => r.Instrument == "wai-sr").Total, 12);
    }

    [Fact]
    public async Task A_clinic_admin_cannot_erase_another_clinics_patient()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/keep-me/sessions/1", Bodies.Session());

        var erase = await factory.Client(b.ClinicAdmin).DeleteAsync($"/api/v1/patients/keep-me?clinicId={a.ClinicId}");

        Assert.Equal(HttpStatusCode.NotFound, erase.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(a.Clinician).GetAsync("/api/v1/patients/keep-me")).StatusCode);
    }

    [Fact]
    public async Task A_clinic_admin_cannot_see_create_or_revoke_another_clinics_keys()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        var keys = await factory.Admin().GetFromJsonAsync<List<ApiKeyResponse>>($"/api/v1/clinics/{a.ClinicId}/api-keys");
        var aIngest = keys!.Single(k => k.Name == "ingest");
        var bAdmin = factory.Client(b.ClinicAdmin);

        Assert.Equal(HttpStatusCode.NotFound, (await bAdmin.GetAsync($"/api/v1/clinics/{a.ClinicId}/api-keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bAdmin.PostAsJsonAsync($"/api/v1/clinics/{a.ClinicId}/api-keys", new { name = "x", roles = new[] { "clinician" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bAdmin.DeleteAsync($"/api/v1/clinics/{a.ClinicId}/api-keys/{aIngest.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bAdmin.DeleteAsync($"/api/v1/clinics/{b.ClinicId}/api-keys/{aIngest.Id}")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/p/sessions/1", Bodies.Session())).StatusCode);
    }

    [Fact]
    public async Task Another_clinics_alert_is_invisible_and_untouchable()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await Ratings.PutSeriesAsync(factory.Client(a.Ingest), "dip", 54, 54, 30);

        var alert = (await factory.Client(a.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items.Single();
        var other = factory.Client(b.Clinician);

        Assert.Empty((await other.GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items);
        var foreign = await other.GetAsync($"/api/v1/alerts/{alert.Id}");
        var missingId = Guid.NewGuid();
        var missing = await other.GetAsync($"/api/v1/alerts/{missingId}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(await ShapeAsync(missing, missingId.ToString()), await ShapeAsync(foreign, alert.Id.ToString()));
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/alerts/{alert.Id}/acknowledge", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync($"/api/v1/alerts/{alert.Id}/resolve", null)).StatusCode);
        Assert.Equal("open", (await factory.Client(a.Clinician).GetFromJsonAsync<AlertResponse>($"/api/v1/alerts/{alert.Id}"))!.Status.StoredName());
    }

    [Fact]
    public async Task Settings_and_calibrations_are_per_clinic()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(a.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { k = 4.0 });
        await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/p/sessions/1", Ratings.Session(54));
        await factory.Client(a.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null);

        var bSettings = await factory.Client(b.ClinicAdmin).GetFromJsonAsync<ClinicSettingsResponse>("/api/v1/clinics/current/settings");
        Assert.Equal(Analysis.Ruptures.DetectorSettings.Default, bSettings!.Settings);
        Assert.Empty((await factory.Client(b.ClinicAdmin).GetFromJsonAsync<List<Calibrations.CalibrationResponse>>("/api/v1/analysis/calibrations"))!);
        Assert.Empty((await (await factory.Client(b.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null)).Content.ReadFromJsonAsync<List<Calibrations.CalibrationResponse>>())!);
    }

    /// <summary>The problem body with the asked-for id and the trace id taken out: what is left must not differ.</summary>
    private static async Task<string> ShapeAsync(HttpResponseMessage response, string patientId)
    {
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        problem.Remove("traceId");
        problem.Remove("instance");
        return problem.ToJsonString().Replace(patientId, "ID", StringComparison.Ordinal);
    }
}
