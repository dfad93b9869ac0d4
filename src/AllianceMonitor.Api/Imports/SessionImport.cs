using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using FluentValidation;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace AllianceMonitor.Api.Imports;

/// <summary>
/// Stores a backfill line by line, each line exactly as its session PUT would be: the PUT's validator, then the PUT's
/// <see cref="SessionWriter"/> in a unit of work of its own, in a service scope of its own. A line therefore commits or
/// fails alone, its alerts arise as if the patient's sessions had been PUT in this order, and nothing one line loaded
/// (tracked entities, the clinic's calibrations) is kept for the next, so memory stays flat.
/// </summary>
public sealed partial class SessionImport(
    IServiceScopeFactory scopes,
    IValidator<PutSessionRequest> validator,
    IOptions<JsonOptions> json,
    TimeProvider clock,
    ILogger<SessionImport> logger)
{
    /// <summary>A line may be as large as a session PUT's body.</summary>
    public const long MaxLineBytes = RequestBodyLimitMiddleware.MaxBodyBytes;

    /// <summary>
    /// 64 MiB: about 200,000 sessions of one or two forms, which at the per-line pace takes tens of minutes in one
    /// request. A larger backfill is sent as several files; a file cut off part way is simply sent again.
    /// </summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>Enough to see what is wrong with a file; the counts still cover every line.</summary>
    public const int MaxListedRejections = 100;

    private enum Outcome { Created, Updated, Unchanged }

    /// <returns>The summary, or null when the body held no line at all.</returns>
    public async Task<SessionImportResponse?> RunAsync(HttpContext http, Guid clinicId, PipeReader body, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        await foreach (var line in NdjsonLines.ReadAsync(body, MaxLineBytes, cancellationToken))
        {
            tally.Lines++;
            if (line.TooLong)
            {
                tally.Reject(line.Number, new() { ["line"] = [$"must be at most {MaxLineBytes} bytes, the body limit of a session PUT"] });
                continue;
            }

            var (request, parseErrors) = Parse(http, line.Content);
            if (parseErrors is not null)
            {
                tally.Reject(line.Number, parseErrors);
                continue;
            }

            var validation = await validator.ValidateAsync(request!, cancellationToken);
            if (!validation.IsValid)
            {
                // Grouped as the PUT's validation step groups them, so a line's errors read as its PUT's 400 would.
                tally.Reject(line.Number, ValidationFilter.ErrorsByField(validation));
                continue;
            }

            switch (await WriteAsync(clinicId, request!, cancellationToken))
            {
                case Outcome.Created: tally.Created++; break;
                case Outcome.Updated: tally.Updated++; break;
                default: tally.Unchanged++; break;
            }
        }

        if (tally.Lines == 0)
        {
            return null;
        }

        LogImported(logger, tally.Lines, tally.Created, tally.Updated, tally.Unchanged, tally.RejectedCount);
        return tally.ToResponse();
    }

    private (PutSessionRequest? Request, Dictionary<string, string[]>? Errors) Parse(HttpContext http, ReadOnlySequence<byte> content)
    {
        try
        {
            var reader = new Utf8JsonReader(content);
            var line = JsonSerializer.Deserialize<SessionImportLine>(ref reader, json.Value.SerializerOptions);
            if (line is null)
            {
                return (null, new() { ["$"] = ["must be a JSON object: one session per line"] });
            }

            // The serializer stops after the first value; anything after it on the line is a second value, not allowed.
            if (reader.Read())
            {
                return (null, new() { ["$"] = ["must be one JSON object per line, with nothing after it"] });
            }

            return (line.ToPutRequest(), null);
        }
        catch (JsonException e)
        {
            // The same words the PUT's 400 uses for a body it cannot read, walked along this endpoint's line type.
            var (field, rule) = BindingRules.ForJson(http, e);
            return (null, new() { [field] = [rule] });
        }
    }

    private async Task<Outcome> WriteAsync(Guid clinicId, PutSessionRequest request, CancellationToken cancellationToken)
    {
        // A scope per line, as a PUT has per request: a fresh context (empty change tracker), fresh calibrations (a
        // refit committed during the import applies to the lines after it) and no audit attempt of its own.
        await using var scope = scopes.CreateAsyncScope();
        var unit = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var writer = scope.ServiceProvider.GetRequiredService<SessionWriter>();
        return await unit.ExecuteAsync(
            async () =>
            {
                // The writer stamps UpdatedAt only when it changed something; an unchanged session keeps its earlier stamp.
                var startedAt = Timestamps.Now(clock);
                var (session, created) = await writer.PutAsync(clinicId, request, cancellationToken);
                return created ? Outcome.Created : session.UpdatedAt >= startedAt ? Outcome.Updated : Outcome.Unchanged;
            },
            _ => StatusCodes.Status200OK,
            cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Session import: {Lines} lines, {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected")]
    private static partial void LogImported(ILogger logger, int lines, int created, int updated, int unchanged, int rejected);

    private sealed class Tally
    {
        public int Lines { get; set; }
        public int Created { get; set; }
        public int Updated { get; set; }
        public int Unchanged { get; set; }
        public int RejectedCount { get; private set; }
        public List<RejectedImportLine> Rejected { get; } = [];

        public void Reject(int line, Dictionary<string, string[]> errors)
        {
            RejectedCount++;
            if (Rejected.Count < MaxListedRejections)
            {
                Rejected.Add(new RejectedImportLine(line, errors));
            }
        }

        public SessionImportResponse ToResponse() =>
            new(Lines, Created, Updated, Unchanged, RejectedCount, Rejected, RejectedLinesTruncated: RejectedCount > Rejected.Count);
    }
}
