using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace AllianceMonitor.Api.Imports;

public static class ImportEndpoints
{
    public const string NdjsonMediaType = "application/x-ndjson";

    public static IServiceCollection AddImports(this IServiceCollection services) => services.AddSingleton<SessionImport>();

    /// <summary>
    /// Audited once for the whole request, but not in a unit of work: <see cref="SessionImport"/> runs one per chunk of
    /// lines (and one per line when the database refuses a chunk), so a bad line does not undo the others (and the audit
    /// entry is written on its own when the request ends).
    /// </summary>
    public static RouteGroupBuilder MapImports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/imports").WithTags("Sessions")
            .WithAudit();

        group.MapPost("/sessions", ImportSessions)
            .WithName(nameof(ImportSessions))
            .WithSummary("Backfill sessions from NDJSON: one session PUT per line, each stored or rejected on its own")
            .WithDescription(
                $"Content-Type: {NdjsonMediaType}. Each line is the body of PUT /api/v1/patients/{{patientId}}/sessions/{{sessionNumber}} " +
                $"with patientId and sessionNumber as fields. Lines are stored in order, up to {SessionImport.ChunkLines} to a transaction, " +
                "exactly as that PUT would store them (alerts included); a line that cannot be read, is invalid or is refused by the " +
                "database is reported with its line number and errors and does not undo the others. Sending the same file again " +
                "(each session in it once) stores nothing new. " +
                $"At most {SessionImport.MaxBodyBytes} bytes per request and {SessionImport.MaxLineBytes} bytes per line.")
            .RequireAuthorization(p => p.RequireRole(Roles.Ingest))
            .Audited("session.import")
            .WithMetadata(new BodyLimit(SessionImport.MaxBodyBytes), new NdjsonBody())
            .ProducesValidationProblem(StatusCodes.Status415UnsupportedMediaType)
            .AddOpenApiOperationTransformer(ImportOpenApi.DescribeBody);

        return group;
    }

    public static async Task<Results<Ok<SessionImportResponse>, ValidationProblem, ProblemHttpResult>> ImportSessions(
        HttpContext http, SessionImport import)
    {
        if (!IsNdjson(http.Request.ContentType))
        {
            return TypedResults.Problem(new HttpValidationProblemDetails(
                new Dictionary<string, string[]> { ["Content-Type"] = [$"must be {NdjsonMediaType}"] })
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported media type",
                Detail = $"Content-Type: must be {NdjsonMediaType}, one session as a JSON object per line.",
            });
        }

        var clinicId = Caller.ClinicOf(http.User);
        var summary = await import.RunAsync(http, clinicId, http.Request.BodyReader, http.RequestAborted);
        if (summary is null)
        {
            const string Rule = "must hold at least one session: one JSON object per line";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [Rule] }, detail: $"body: {Rule}");
        }

        return TypedResults.Ok(summary);
    }

    private static bool IsNdjson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(NdjsonMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Says that the endpoint reads a body of <see cref="SessionImportLine"/>s, for the OpenAPI document, the 413/415
    /// declarations and the words of a line's JSON errors. It names no media type on purpose: routing would then answer
    /// a wrong one with its own 415 that speaks of application/json; the handler answers it instead.
    /// </summary>
    private sealed class NdjsonBody : IAcceptsMetadata
    {
        public IReadOnlyList<string> ContentTypes => [];
        public Type? RequestType => typeof(SessionImportLine);
        public bool IsOptional => false;
    }
}
