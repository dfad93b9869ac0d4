using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Patients;

public sealed class PatientTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Put_patient_creates_then_updates_its_therapist()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var client = factory.Client(tenant.Ingest);

        var created = await client.PutAsJsonAsync("/api/v1/patients/p-1", new { therapistId = "t-1" });
        var updated = await client.PutAsJsonAsync("/api/v1/patients/p-1", new { therapistId = "t-2" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(new PatientResponse("p-1", "t-2"), await updated.Content.ReadFromJsonAsync<PatientResponse>());
    }

    [Fact]
    public async Task The_list_pages_and_filters_by_therapist()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        foreach (var (patient, therapist) in new[] { ("p-a", "t-1"), ("p-b", "t-2"), ("p-c", "t-1"), ("p-d", "t-1") })
        {
            await ingest.PutAsJsonAsync($"/api/v1/patients/{patient}", new { therapistId = therapist });
        }

        await ingest.PutAsJsonAsync("/api/v1/patients/p-a/sessions/1", Bodies.Session());
        await ingest.PutAsJsonAsync("/api/v1/patients/p-a/sessions/3", Bodies.Session());

        var clinician = factory.Client(tenant.Clinician);
        var page1 = await clinician.GetFromJsonAsync<PagedList<PatientSummary>>("/api/v1/patients?therapistId=t-1&pageSize=2");
        var page2 = await clinician.GetFromJsonAsync<PagedList<PatientSummary>>("/api/v1/patients?therapistId=t-1&pageSize=2&page=2");

        Assert.Equal(3, page1!.TotalCount);
        Assert.Equal(["p-a", "p-c"], page1.Items.Select(p => p.PatientId));
        Assert.Equal(new PatientSummary("p-a", "t-1", 2, 3), page1.Items[0]);
        Assert.Equal(["p-d"], page2!.Items.Select(p => p.PatientId));
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("pageSize=500", "pageSize")]
    [InlineData("therapistId=a%20b", "therapistId")]
    public async Task Bad_list_parameters_are_named(string query, string field)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Clinician).GetAsync($"/api/v1/patients?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Reading_a_patient_returns_sessions_in_order_with_scores_in_force()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Bodies.Session(phq9: [3, 3, 3, 3, 3, 3, 3, 3, 3]));
        await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Bodies.Session());
        await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Bodies.Session(phq9: [0, 0, 0, 0, 0, 0, 0, 0, 0]));

        var patient = await factory.Client(tenant.Clinician).GetFromJsonAsync<PatientDetail>("/api/v1/patients/p-1");

        Assert.Equal([1, 2], patient!.Sessions.Select(s => s.SessionNumber));
        var phq1 = patient.Sessions[0].Measurements.Single(m => m.Instrument == "phq-9");
        Assert.Equal((0.0, 2, "minimal"), (phq1.Total, phq1.Revision, phq1.Band));
        Assert.Equal((27.0, "severe"), (patient.Sessions[1].Measurements.Single(m => m.Instrument == "phq-9").Total, patient.Sessions[1].Measurements.Single(m => m.Instrument == "phq-9").Band));
        Assert.Equal("t-7", patient.TherapistId);
    }

    [Fact]
    public async Task Erasure_removes_every_row_of_the_patient_and_the_audit_log_keeps_that_it_happened()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-gone/sessions/1", Bodies.Session());

        var erased = await factory.Client(tenant.ClinicAdmin).DeleteAsync("/api/v1/patients/p-gone");

        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client(tenant.Clinician).GetAsync("/api/v1/patients/p-gone")).StatusCode);
        await using var db = factory.NewDbContext();
        Assert.False(await db.Patients.AnyAsync(p => p.ClinicId == tenant.ClinicId));
        Assert.Equal(0, await db.Sessions.CountAsync(s => !db.Patients.Any(p => p.Id == s.PatientId)));
        Assert.Equal(0, await db.Measurements.CountAsync(m => !db.Sessions.Any(s => s.Id == m.SessionId)));
        Assert.Single(await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId && a.Action == "patient.erase" && a.PatientRef == "p-gone" && a.Outcome == 204).ToListAsync());
    }

    [Fact]
    public async Task A_global_admin_must_name_the_clinic_to_erase()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Bodies.Session());

        var withoutClinic = await factory.Admin().DeleteAsync("/api/v1/patients/p-1");
        var withClinic = await factory.Admin().DeleteAsync($"/api/v1/patients/p-1?clinicId={tenant.ClinicId}");

        Assert.Equal(HttpStatusCode.BadRequest, withoutClinic.StatusCode);
        Assert.Contains("clinicId", await withoutClinic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, withClinic.StatusCode);
    }

    [Fact]
    public async Task Every_write_and_read_of_patient_data_is_audited_without_scores()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Bodies.Session());
        await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", new { measurements = new[] { new { instrument = "phq-9", items = new[] { 9 } } } });
        await factory.Client(tenant.Clinician).GetAsync("/api/v1/patients/p-1");
        await factory.Client(tenant.Clinician).GetAsync("/api/v1/patients/p-1/sessions/1/revisions");
        await factory.Client(tenant.Clinician).GetAsync("/api/v1/patients");

        await using var db = factory.NewDbContext();
        var entries = await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId).OrderBy(a => a.Id)
            .Select(a => new { a.Action, a.PatientRef, a.Outcome }).ToListAsync();
        Assert.Equal(
            [
                new { Action = "session.put", PatientRef = (string?)"p-1", Outcome = 201 },
                new { Action = "session.put", PatientRef = (string?)"p-1", Outcome = 400 },
                new { Action = "patient.read", PatientRef = (string?)"p-1", Outcome = 200 },
                new { Action = "session.revisions.read", PatientRef = (string?)"p-1", Outcome = 200 },
                new { Action = "patient.list", PatientRef = (string?)null, Outcome = 200 },
            ],
            entries.Where(e => e.Action != "api_key.create"));
    }
}
