using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Export;

/// <param name="RotatedAt">From this moment linkable exports use the new key.</param>
public sealed record ResearchKeyRotatedResponse(DateTimeOffset RotatedAt);

/// <summary>
/// Rotating the research key that links pseudonyms across exports. It is the clinic admin's call, not the researcher's:
/// it manages the clinic's keys, and rotation is how a clinic ends the linkability of everything exported so far (a
/// leaked key, a study that ended, a researcher who left).
/// </summary>
public static class ResearchKeyEndpoints
{
    public static RouteGroupBuilder MapResearchKey(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/clinics/current/research-key").WithTags("Export")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapPost("/rotate", RotateResearchKey)
            .WithName(nameof(RotateResearchKey))
            .WithSummary("Replace the clinic's research key: linkable exports from now on get new pseudonyms, which cannot be linked to earlier exports")
            .Audited("research_key.rotate");

        return group;
    }

    public static async Task<Results<Ok<ResearchKeyRotatedResponse>, ProblemHttpResult>> RotateResearchKey(
        HttpContext http, AllianceDbContext db, ResearchKeys keys, TimeProvider clock)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var now = Timestamps.Now(clock);
        await keys.RotateAsync(db, clinicId, now, http.RequestAborted);
        return TypedResults.Ok(new ResearchKeyRotatedResponse(now));
    }
}
