using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Clinics;

/// <param name="Settings">The thresholds in force.</param>
/// <param name="Defaults">The documented defaults, for comparison; a field left out of a PUT takes its default.</param>
/// <param name="UpdatedAt">Null while the clinic has never changed them.</param>
public sealed record ClinicSettingsResponse(DetectorSettings Settings, DetectorSettings Defaults, DateTimeOffset? UpdatedAt);

public static class ClinicSettingsEndpoints
{
    public static RouteGroupBuilder MapClinicSettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/clinics/current/settings").WithTags("Clinics")
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapGet("/", GetClinicSettings)
            .WithName(nameof(GetClinicSettings))
            .WithSummary("The rupture detector's thresholds for the caller's clinic")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Clinician))
            .Audited("clinic.settings.read");

        group.MapPut("/", PutClinicSettings)
            .WithName(nameof(PutClinicSettings))
            .WithSummary("Replace the thresholds; fields left out take their documented defaults. Applies to sessions stored from now on")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .Audited("clinic.settings.write")
            .Validated<DetectorSettings>();

        return group;
    }

    public static async Task<Results<Ok<ClinicSettingsResponse>, ProblemHttpResult>> GetClinicSettings(HttpContext http, AllianceDbContext db)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var row = await db.ClinicSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClinicId == clinicId, http.RequestAborted);
        return TypedResults.Ok(new ClinicSettingsResponse(row?.Detector ?? DetectorSettings.Default, DetectorSettings.Default, row?.UpdatedAt));
    }

    public static async Task<Results<Ok<ClinicSettingsResponse>, ProblemHttpResult>> PutClinicSettings(
        DetectorSettings settings, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        var caller = Caller.From(http.User);
        if (caller.ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var row = await db.ClinicSettings.SingleOrDefaultAsync(s => s.ClinicId == clinicId, http.RequestAborted);
        if (row is null)
        {
            row = new ClinicSettings { ClinicId = clinicId, Detector = settings };
            db.ClinicSettings.Add(row);
        }

        row.Detector = settings;
        row.UpdatedAt = Timestamps.Now(clock);
        row.UpdatedBy = caller.KeyId;
        return TypedResults.Ok(new ClinicSettingsResponse(row.Detector, DetectorSettings.Default, row.UpdatedAt));
    }
}
