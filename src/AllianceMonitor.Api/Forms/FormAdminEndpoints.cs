using System.Text.Json;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Forms;

/// <summary>What a clinic administrator sets up for forms: the licensed wording it holds, and where forms may be embedded and return to.</summary>
public static class FormAdminEndpoints
{
    // The same serialisation as the column's conversion (Data/Configurations/FormConfiguration.cs).
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapFormAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/clinics/current").WithTags("Forms")
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapPut("/text-packs", PutTextPack)
            .WithName(nameof(PutTextPack))
            .WithSummary("Store the clinic's wording of one instrument in one language (replaces the earlier one); checked against the catalog's item count and scale")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .Audited("form.text_pack.write")
            .Validated<TextPackBody>();

        group.MapGet("/text-packs", ListTextPacks)
            .WithName(nameof(ListTextPacks))
            .WithSummary("The clinic's text packs")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Clinician, Roles.Ingest))
            .Audited("form.text_pack.list");

        group.MapGet("/form-settings", GetFormSettings)
            .WithName(nameof(GetFormSettings))
            .WithSummary("The origins allowed to frame the clinic's forms and to receive the browser after submission")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin, Roles.Clinician, Roles.Ingest))
            .Audited("form.settings.read");

        group.MapPut("/form-settings", PutFormSettings)
            .WithName(nameof(PutFormSettings))
            .WithSummary("Replace the frame and return origins; empty lists deny framing and return URLs")
            .RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .Audited("form.settings.write")
            .Validated<FormSettingsBody>();
    }

    public static async Task<Results<Ok<TextPackResponse>, ProblemHttpResult>> PutTextPack(
        TextPackBody body, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var wording = new FormWording(body.Title, body.Instructions, body.Items.ToArray(), body.Anchors.OrderBy(a => a.Value).ToArray());
        var now = Timestamps.Now(clock);

        // One statement, so two first uploads racing for the same instrument and language both succeed (the later wins)
        // instead of one failing on the primary key.
        var document = JsonSerializer.Serialize(wording, Json);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO form_text_packs (clinic_id, instrument, language, wording, updated_at)
            VALUES ({clinicId}, {body.Instrument}, {body.Language}, {document}::jsonb, {now})
            ON CONFLICT (clinic_id, instrument, language) DO UPDATE SET wording = excluded.wording, updated_at = excluded.updated_at
            """,
            http.RequestAborted);
        var pack = new FormTextPack { ClinicId = clinicId, Instrument = body.Instrument, Language = body.Language, Wording = wording };
        return TypedResults.Ok(new TextPackResponse(pack.Instrument, pack.Language, pack.Wording, now));
    }

    public static async Task<Results<Ok<List<TextPackResponse>>, ProblemHttpResult>> ListTextPacks(HttpContext http, AllianceDbContext db)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var packs = await db.FormTextPacks.AsNoTracking().Where(p => p.ClinicId == clinicId)
            .OrderBy(p => p.Instrument).ThenBy(p => p.Language).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(packs.Select(p => new TextPackResponse(p.Instrument, p.Language, p.Wording, p.UpdatedAt)).ToList());
    }

    public static async Task<Results<Ok<FormSettingsResponse>, ProblemHttpResult>> GetFormSettings(HttpContext http, AllianceDbContext db)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var row = await db.FormSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClinicId == clinicId, http.RequestAborted);
        return TypedResults.Ok(new FormSettingsResponse(row?.FrameAncestors ?? [], row?.ReturnOrigins ?? [], row?.UpdatedAt));
    }

    public static async Task<Results<Ok<FormSettingsResponse>, ProblemHttpResult>> PutFormSettings(
        FormSettingsBody body, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        if (Caller.From(http.User).ClinicId is not { } clinicId)
        {
            return ClinicScope.Required();
        }

        var frames = body.FrameAncestors.Select(FormOrigins.Normalize).Distinct(StringComparer.Ordinal).ToArray();
        var returns = body.ReturnOrigins.Select(FormOrigins.Normalize).Distinct(StringComparer.Ordinal).ToArray();
        var now = Timestamps.Now(clock);

        // One statement, as for the text packs: two first PUTs racing on a clinic both succeed.
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO form_settings (clinic_id, frame_ancestors, return_origins, updated_at)
            VALUES ({clinicId}, {frames}, {returns}, {now})
            ON CONFLICT (clinic_id) DO UPDATE
            SET frame_ancestors = excluded.frame_ancestors, return_origins = excluded.return_origins, updated_at = excluded.updated_at
            """,
            http.RequestAborted);
        var row = new FormSettings { ClinicId = clinicId, FrameAncestors = frames, ReturnOrigins = returns, UpdatedAt = now };
        return TypedResults.Ok(new FormSettingsResponse(row.FrameAncestors, row.ReturnOrigins, row.UpdatedAt));
    }
}
