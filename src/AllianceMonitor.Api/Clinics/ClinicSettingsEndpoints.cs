using System.Text.Json;
using AllianceMonitor.Analysis.Ruptures;
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
        var group = routes.MapGroup("/clinics/current/settings").WithTags("Clinics");

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

        // One statement, so two first PUTs racing on a new clinic both succeed (the later one wins) instead of one
        // failing on the primary key.
        var updatedAt = Timestamps.Now(clock);
        var detector = JsonSerializer.Serialize(settings, JsonSerializerOptions.Default);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO clinic_settings (clinic_id, detector, updated_at, updated_by)
            VALUES ({clinicId}, {detector}::jsonb, {updatedAt}, {caller.KeyId})
            ON CONFLICT (clinic_id) DO UPDATE
            SET detector = excluded.detector, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """,
            http.RequestAborted);
        var row = new ClinicSettings { ClinicId = clinicId, Detector = settings, UpdatedAt = updatedAt };
        return TypedResults.Ok(new ClinicSettingsResponse(row.Detector, DetectorSettings.Default, row.UpdatedAt));
    }
}
