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
        var pack = await db.FormTextPacks.SingleOrDefaultAsync(
            p => p.ClinicId == clinicId && p.Instrument == body.Instrument && p.Language == body.Language, http.RequestAborted);
        if (pack is null)
        {
            pack = new FormTextPack { ClinicId = clinicId, Instrument = body.Instrument, Language = body.Language, Wording = wording };
            db.FormTextPacks.Add(pack);
        }

        pack.Wording = wording;
        pack.UpdatedAt = now;
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

        var row = await db.FormSettings.SingleOrDefaultAsync(s => s.ClinicId == clinicId, http.RequestAborted);
        if (row is null)
        {
            row = new FormSettings { ClinicId = clinicId };
            db.FormSettings.Add(row);
        }

        row.FrameAncestors = body.FrameAncestors.Select(FormOrigins.Normalize).Distinct(StringComparer.Ordinal).ToArray();
        row.ReturnOrigins = body.ReturnOrigins.Select(FormOrigins.Normalize).Distinct(StringComparer.Ordinal).ToArray();
        row.UpdatedAt = Timestamps.Now(clock);
        return TypedResults.Ok(new FormSettingsResponse(row.FrameAncestors, row.ReturnOrigins, row.UpdatedAt));
    }
}
