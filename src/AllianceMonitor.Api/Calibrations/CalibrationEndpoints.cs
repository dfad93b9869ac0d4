using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Calibrations;

public static class CalibrationEndpoints
{
    /// <summary>The calibration endpoints, in the one <c>/analysis</c> group (declared with the API routes in Hosting).</summary>
    public static RouteGroupBuilder MapCalibrations(this RouteGroupBuilder group)
    {
        group.MapGet("/calibrations", GetCalibrations)
            .WithName(nameof(GetCalibrations))
            .WithSummary("The latest calibration of each alliance series (instrument x rater) the detector judges against")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Clinician, Roles.Researcher))
            .Audited("calibration.read");

        group.MapPost("/refit", Refit)
            .WithName(nameof(Refit))
            .WithSummary("Refit the clinic's calibration now; each series gets a new version")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .Audited("calibration.refit");

        return group;
    }

    public static async Task<Results<Ok<List<CalibrationResponse>>, ProblemHttpResult>> GetCalibrations(HttpContext http, CalibrationStore store)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        return TypedResults.Ok((await store.LatestAsync(clinicId, http.RequestAborted)).Select(ToResponse).ToList());
    }

    public static async Task<Results<Ok<List<CalibrationResponse>>, ProblemHttpResult>> Refit(HttpContext http, CalibrationStore store)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        return TypedResults.Ok((await store.RefitAsync(clinicId, CalibrationTrigger.Manual, http.RequestAborted)).Select(ToResponse).ToList());
    }

    private static CalibrationResponse ToResponse(CalibrationRecord c) => new(c);
}
