using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace AllianceMonitor.Api.Export;

public static class ExportEndpoints
{
    public static RouteGroupBuilder MapExport(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/export").WithTags("Export").RequireAuthorization(p => p.RequireRole(Roles.Researcher))
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapGet("/sessions", ExportSessions)
            .WithName(nameof(ExportSessions))
            .WithSummary("Stream one pseudonymised row per patient-session (CSV or JSON lines); see the codebook for the columns")
            .Produces<string>(StatusCodes.Status200OK, "text/csv", "application/x-ndjson")
            .Audited("export.sessions")
            .Validated<ExportQuery>();

        group.MapGet("/codebook", GetCodebook)
            .WithName(nameof(GetCodebook))
            .WithSummary("Every column of the session export: type, unit or range, derivation")
            .AlsoProducesText(StatusCodes.Status200OK, "text/markdown")
            .Validated<CodebookQuery>();

        return group;
    }

    /// <summary>
    /// Records the export as started (committed with the audit entry before the first row), then hands the response to
    /// <see cref="ExportStream"/>, which records the row count when the stream ends.
    /// </summary>
    public static async Task<IResult> ExportSessions(
        [AsParameters] ExportQuery query, HttpContext http, AllianceDbContext db, NpgsqlDataSource dataSource, TimeProvider clock,
        ILogger<ExportStream> logger, ResearchKeys researchKeys)
    {
        var caller = Caller.From(http.User);
        var clinicId = Caller.ClinicOf(http.User);
        var linkable = query.Linkable ?? false;
        var key = linkable ? await researchKeys.GetOrCreateAsync(db, clinicId, clock.GetUtcNow(), http.RequestAborted) : Pseudonyms.NewKey();
        var record = new ExportRecord
        {
            ClinicId = clinicId,
            ApiKeyId = caller.KeyId,
            Format = query.FormatOrDefault,
            Filters = query.Filter.Describe(),
            Linkable = linkable,
            StartedAt = clock.GetUtcNow(),
        };
        db.ExportLog.Add(record);
        return new ExportStream(dataSource, clinicId, query.Filter, query.FormatOrDefault, new Pseudonyms(key), record.Id, logger);
    }

    public static Results<Ok<IReadOnlyList<CodebookColumn>>, ContentHttpResult> GetCodebook([AsParameters] CodebookQuery query) =>
        query.Format == "markdown"
            ? TypedResults.Text(Codebook.Markdown(), "text/markdown; charset=utf-8")
            : TypedResults.Ok(Codebook.Columns);
}
