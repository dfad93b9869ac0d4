using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace AllianceMonitor.Api.Imports;

/// <summary>
/// Stores a backfill in chunks of valid lines, each chunk in one transaction, each line exactly as its session PUT
/// would be stored: the PUT's validator, then the PUT's <see cref="SessionWriter"/>. A line is still its own unit: an
/// invalid line is rejected before any write, and a chunk the database refuses is rolled back and written again one
/// line per transaction, so that only the refused line is rejected. Alerts arise as if the patient's sessions had been
/// PUT in this order, and nothing a chunk loaded (tracked entities, the clinic's calibrations) is kept for the next, so
/// memory stays flat.
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
    /// 64 MiB: about 200,000 sessions of one or two forms, about a minute in one request at the chunked pace
    /// (bench/README.md). A larger backfill is sent as several files; a file cut off part way is simply sent again.
    /// </summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>Enough to see what is wrong with a file; the counts still cover every line.</summary>
    public const int MaxListedRejections = 100;

    /// <summary>
    /// Valid lines written in one transaction. Large enough that a chunk's fixed costs (the transaction, its commit's WAL
    /// flush, the clinic's calibrations and settings) are small per line; small enough that memory stays flat and a chunk
    /// redone line by line after a database refusal costs little.
    /// </summary>
    public const int ChunkLines = 500;

    /// <returns>The summary, or null when the body held no line at all.</returns>
    public async Task<SessionImportResponse?> RunAsync(HttpContext http, Guid clinicId, PipeReader body, CancellationToken cancellationToken)
    {
        var tally = new ImportTally();
        var chunk = new List<ImportedLine>(ChunkLines);
        var keys = new HashSet<(string Patient, int Session)>();
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

            // A session already in the chunk starts the next one, so a chunk writes each session at most once.
            if (chunk.Count == ChunkLines || !keys.Add((request!.PatientId, request.SessionNumber)))
            {
                await FlushAsync(clinicId, chunk, tally, cancellationToken);
                keys.Clear();
                keys.Add((request!.PatientId, request.SessionNumber));
            }

            chunk.Add(new ImportedLine(line.Number, request));
        }

        await FlushAsync(clinicId, chunk, tally, cancellationToken);
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

    /// <summary>
    /// Writes the chunk in one transaction; if the database refuses it, rolls it back and writes its lines again one per
    /// transaction through the PUT's own path, so that only a line the database refuses is rejected.
    /// </summary>
    private async Task FlushAsync(Guid clinicId, List<ImportedLine> chunk, ImportTally tally, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return;
        }

        List<ImportOutcome>? outcomes = null;
        try
        {
            outcomes = await WriteChunkAsync(clinicId, chunk, cancellationToken);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            LogChunkRefused(logger, chunk.Count, SqlState(e));
        }

        for (var index = 0; index < chunk.Count; index++)
        {
            var line = chunk[index];
            if (outcomes is not null)
            {
                tally.Count(outcomes[index]);
                continue;
            }

            try
            {
                tally.Count(await WriteLineAsync(clinicId, line.Request, cancellationToken));
            }
            catch (Exception refused) when (IsRefusal(refused))
            {
                tally.Reject(line.Number, new() { ["line"] = [$"could not be stored: the database refused it (SQLSTATE {SqlState(refused)})"] });
            }
        }

        chunk.Clear();
    }

    /// <summary>
    /// The chunk in one unit of work (<see cref="ChunkWriter"/>), in a service scope of its own as a PUT has per
    /// request: a fresh context and no audit attempt of its own.
    /// </summary>
    /// <returns>Null, with nothing written, when the chunk must be written line by line instead.</returns>
    private async Task<List<ImportOutcome>?> WriteChunkAsync(Guid clinicId, List<ImportedLine> lines, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var unit = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var alerts = scope.ServiceProvider.GetRequiredService<AlertSync>();
        return await unit.ExecuteAsync(
            () => ChunkWriter.WriteAsync(db, alerts, clock, clinicId, lines, cancellationToken),
            outcomes => outcomes is null ? StatusCodes.Status409Conflict : StatusCodes.Status200OK,
            cancellationToken);
    }

    /// <summary>One line as its session PUT: the PUT's writer in a unit of work and a service scope of its own.</summary>
    private async Task<ImportOutcome> WriteLineAsync(Guid clinicId, PutSessionRequest request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var unit = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var writer = scope.ServiceProvider.GetRequiredService<SessionWriter>();
        return await unit.ExecuteAsync(
            async () =>
            {
                // The writer stamps UpdatedAt only when it changed something; an unchanged session keeps its earlier stamp.
                var startedAt = Timestamps.Now(clock);
                var (session, created) = await writer.PutAsync(clinicId, request, cancellationToken);
                return created ? ImportOutcome.Created : session.UpdatedAt >= startedAt ? ImportOutcome.Updated : ImportOutcome.Unchanged;
            },
            _ => StatusCodes.Status200OK,
            cancellationToken);
    }

    /// <summary>The database refused a write (a constraint, a conflict, a trigger), as opposed to being unreachable.</summary>
    private static bool IsRefusal(Exception e) =>
        (e is DbUpdateException || e is PostgresException) && !DatabaseUnavailable.IsOutage(e);

    private static string SqlState(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState ?? "unknown";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session import: the database refused a chunk of {Lines} lines ({SqlState}); writing them one by one")]
    private static partial void LogChunkRefused(ILogger logger, int lines, string sqlState);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Session import: {Lines} lines, {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected")]
    private static partial void LogImported(ILogger logger, int lines, int created, int updated, int unchanged, int rejected);
}
