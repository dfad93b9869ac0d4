using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Sessions;

public static class SessionsEndpoints
{
    public static RouteGroupBuilder MapSessions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/patients/{patientId}/sessions").WithTags("Sessions")
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        // No :int constraint: "sessions/abc" is a bad session number (400 naming it), not a missing route (404).
        group.MapPut("/{sessionNumber}", PutSession)
            .WithName(nameof(PutSession))
            .WithSummary("Store a session's ratings (idempotent; a changed form adds a revision)")
            .RequireAuthorization(p => p.RequireRole(Roles.Ingest))
            .Audited("session.put")
            .Validated<PutSessionRequest>();

        group.MapGet("/{sessionNumber}/revisions", GetRevisions)
            .WithName(nameof(GetRevisions))
            .WithSummary("Every revision of every form in a session, superseded ones included")
            .RequireAuthorization(p => p.RequireRole(Roles.Clinician))
            .Audited("session.revisions.read");

        return group;
    }

    public static async Task<Results<Created<SessionResponse>, Ok<SessionResponse>>> PutSession(
        [AsParameters] PutSessionRequest request, HttpContext http, SessionWriter writer)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var (session, created) = await writer.PutAsync(clinicId, request, http.RequestAborted);
        var response = SessionMapping.ToResponse(session, request.PatientId);
        return created
            ? TypedResults.Created($"/api/v1/patients/{request.PatientId}/sessions/{request.SessionNumber}", response)
            : TypedResults.Ok(response);
    }

    public static async Task<Results<Ok<SessionRevisionsResponse>, ProblemHttpResult>> GetRevisions(
        string patientId, int sessionNumber, HttpContext http, PatientStore patients, AllianceDbContext db)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var patient = await patients.FindAsync(clinicId, patientId, http.RequestAborted);
        if (patient is null)
        {
            return NotFoundProblems.Patient(patientId);
        }

        var revisions = await db.Measurements.AsNoTracking()
            .Where(m => db.Sessions.Any(s => s.Id == m.SessionId && s.PatientId == patient.Id && s.Number == sessionNumber))
            .OrderBy(m => m.Instrument).ThenBy(m => m.Rater).ThenBy(m => m.Timing).ThenBy(m => m.Revision)
            .ToListAsync(http.RequestAborted);
        if (revisions.Count == 0 && !await db.Sessions.AnyAsync(s => s.PatientId == patient.Id && s.Number == sessionNumber, http.RequestAborted))
        {
            return NotFoundProblems.Session(patientId, sessionNumber);
        }

        return TypedResults.Ok(new SessionRevisionsResponse(patientId, sessionNumber, revisions.Select(SessionMapping.ToResponse).ToList()));
    }
}
