using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Webhooks;
using AllianceMonitor.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Patients;

public static class PatientsEndpoints
{
    public static RouteGroupBuilder MapPatients(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/patients").WithTags("Patients");

        group.MapPut("/{patientId}", PutPatient)
            .WithName(nameof(PutPatient))
            .WithSummary("Register a patient by the platform's pseudonymous id, with an optional therapist")
            .RequireAuthorization(p => p.RequireRole(Roles.Ingest))
            .Audited("patient.put")
            .Validated<PutPatientRequest>();

        group.MapGet("/", ListPatients)
            .WithName(nameof(ListPatients))
            .WithSummary("The clinic's patients, optionally one therapist's, a page at a time")
            .RequireAuthorization(p => p.RequireRole(Roles.Clinician))
            .Audited("patient.list")
            .Validated<PatientListQuery>();

        group.MapGet("/{patientId}", GetPatient)
            .WithName(nameof(GetPatient))
            .WithSummary("A patient with every session and its scores in force")
            .RequireAuthorization(p => p.RequireRole(Roles.Clinician))
            .Audited("patient.read");

        group.MapGet("/{patientId}/trajectory", TrajectoryEndpoint.GetTrajectory)
            .WithName(nameof(TrajectoryEndpoint.GetTrajectory))
            .WithSummary("Per session: alliance with the patient's baseline, deviation and alert band; symptom scores; the alerts")
            .RequireAuthorization(p => p.RequireRole(Roles.Clinician))
            .Audited("patient.trajectory.read");

        group.MapDelete("/{patientId}", DeletePatient)
            .WithName(nameof(DeletePatient))
            .WithSummary("Erase a patient's data; the audit log keeps that the erasure happened")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .Audited("patient.erase");

        return group;
    }

    public static async Task<Results<Created<PatientResponse>, Ok<PatientResponse>>> PutPatient(
        [AsParameters] PutPatientRequest request, HttpContext http, PatientStore patients, AllianceDbContext db)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var (patient, created) = await patients.LockOrCreateAsync(clinicId, request.PatientId, http.RequestAborted);
        patient.Therapist = await patients.EnsureTherapistAsync(clinicId, request.Body.TherapistId, http.RequestAborted);
        await db.SaveChangesAsync(http.RequestAborted);

        var response = new PatientResponse(patient.ExternalId, patient.Therapist?.ExternalId);
        return created ? TypedResults.Created($"/api/v1/patients/{patient.ExternalId}", response) : TypedResults.Ok(response);
    }

    public static async Task<Ok<PagedList<PatientSummary>>> ListPatients(
        [AsParameters] PatientListQuery query, HttpContext http, AllianceDbContext db)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var patients = db.Patients.AsNoTracking().Where(p => p.ClinicId == clinicId);
        if (query.TherapistId is not null)
        {
            patients = patients.Where(p => p.Therapist != null && p.Therapist.ExternalId == query.TherapistId);
        }

        var total = await patients.CountAsync(http.RequestAborted);
        var items = await patients
            .OrderBy(p => p.ExternalId)
            .Skip((query.PageOrDefault - 1) * query.PageSizeOrDefault)
            .Take(query.PageSizeOrDefault)
            .Select(p => new PatientSummary(
                p.ExternalId,
                p.Therapist == null ? null : p.Therapist.ExternalId,
                p.Sessions.Count,
                p.Sessions.Max(s => (int?)s.Number)))
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new PagedList<PatientSummary>(items, query.PageOrDefault, query.PageSizeOrDefault, total));
    }

    public static async Task<Results<Ok<PatientDetail>, ProblemHttpResult>> GetPatient(
        string patientId, HttpContext http, AllianceDbContext db)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var patient = await db.Patients.AsNoTracking().AsSplitQuery()
            .Include(p => p.Therapist)
            .Include(p => p.Sessions).ThenInclude(s => s.Therapist)
            .Include(p => p.Sessions).ThenInclude(s => s.Measurements.Where(m => m.SupersededAt == null))
            .SingleOrDefaultAsync(p => p.ClinicId == clinicId && p.ExternalId == patientId, http.RequestAborted);
        if (patient is null)
        {
            return NotFoundProblems.Patient(patientId);
        }

        var sessions = patient.Sessions.OrderBy(s => s.Number).Select(s => SessionMapping.ToResponse(s, patient.ExternalId)).ToList();
        return TypedResults.Ok(new PatientDetail(patient.ExternalId, patient.Therapist?.ExternalId, sessions));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeletePatient(
        [AsParameters] DeletePatientRequest request, HttpContext http, AllianceDbContext db)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId ?? request.ClinicId;
        if (clinicId is null)
        {
            return TypedResults.Problem(
                "A global admin key must name the clinic: add ?clinicId=<id>.",
                statusCode: StatusCodes.Status400BadRequest,
                title: "clinicId is required",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["clinicId"] = ["is required for a global admin key"] } });
        }

        var patientId = await db.Patients
            .Where(p => p.ClinicId == clinicId && p.ExternalId == request.PatientId)
            .Select(p => (Guid?)p.Id)
            .SingleOrDefaultAsync(http.RequestAborted);
        if (patientId is null)
        {
            return NotFoundProblems.Patient(request.PatientId);
        }

        // Sessions, alerts and their history go by cascade; webhook events about the patient are not linked by a key.
        await WebhookRetention.ErasePatientAsync(db, clinicId.Value, patientId.Value, request.PatientId, http.RequestAborted);
        await db.Patients.Where(p => p.Id == patientId).ExecuteDeleteAsync(http.RequestAborted);
        return TypedResults.NoContent();
    }
}
