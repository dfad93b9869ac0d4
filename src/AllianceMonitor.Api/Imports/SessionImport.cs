using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
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
        Flight? flight = null; // the chunk being written while the next is read
        try
        {
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
                    flight = await SendAsync(clinicId, flight, chunk, tally, cancellationToken);
                    chunk = new List<ImportedLine>(ChunkLines);
                    keys.Clear();
                    keys.Add((request!.PatientId, request.SessionNumber));
                }

                chunk.Add(new ImportedLine(line.Number, request));
            }

            flight = await SendAsync(clinicId, flight, chunk, tally, cancellationToken);
            if (flight is not null)
            {
                await SettleAsync(clinicId, flight, null, tally, cancellationToken);
            }
        }
        catch
        {
            // The request fails (the body broke off, the database went away): the chunk in flight ends before the response.
            await QuietlyAsync(flight);
            throw;
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

    /// <summary>A chunk on its way: read and judged, then written once the chunk before it has committed.</summary>
    /// <param name="Locked">Completes once the chunk has read and locked its patients (or gave up before).</param>
    private sealed record Flight(List<ImportedLine> Lines, Task<List<ImportOutcome>?> Written, Task Locked);

    /// <summary>
    /// Starts writing <paramref name="lines"/> beside the chunk before them, then waits for that one: so a chunk's
    /// commit (the WAL flush, PostgreSQL's index and trigger work) overlaps the next chunk's read and judgement. Two
    /// chunks at most are in flight, on two connections; per-patient locks make a chunk that shares a patient with the
    /// one before read only after that one has committed.
    /// </summary>
    /// <returns>The chunk now in flight.</returns>
    private async Task<Flight?> SendAsync(Guid clinicId, Flight? before, List<ImportedLine> lines, ImportTally tally, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return before;
        }

        var next = Start(clinicId, lines, before, cancellationToken);
        return before is null ? next : await SettleAsync(clinicId, before, next, tally, cancellationToken);
    }

    /// <summary>
    /// Counts a chunk once it is written. If it was not written as a chunk (the database refused it), the chunk after
    /// it, which writes nothing before this one has committed, is rolled back first; this chunk's lines are then
    /// written again one per transaction through the PUT's own path, so that only a line the database refuses is
    /// rejected; then the chunk after it starts again, reading what these lines wrote.
    /// </summary>
    /// <returns><paramref name="next"/>, or its new start.</returns>
    private async Task<Flight?> SettleAsync(Guid clinicId, Flight flight, Flight? next, ImportTally tally, CancellationToken cancellationToken)
    {
        List<ImportOutcome>? outcomes = null;
        try
        {
            outcomes = await flight.Written;
        }
        catch (Exception e) when (IsRefusal(e))
        {
            LogChunkRefused(logger, flight.Lines.Count, SqlState(e));
        }
        catch
        {
            await QuietlyAsync(next);
            throw;
        }

        if (outcomes is not null)
        {
            outcomes.ForEach(tally.Count);
            return next;
        }

        await QuietlyAsync(next);
        foreach (var line in flight.Lines)
        {
            try
            {
                tally.Count(await WriteLineAsync(clinicId, line.Request, cancellationToken));
            }
            catch (Exception refused) when (IsRefusal(refused))
            {
                tally.Reject(line.Number, new() { ["line"] = [$"could not be stored: the database refused it (SQLSTATE {SqlState(refused)})"] });
            }
        }

        return next is null ? null : Start(clinicId, next.Lines, null, cancellationToken);
    }

    /// <summary>Whether the chunk before was written as a chunk; a chunk after one that was not writes nothing and starts again.</summary>
    private static async Task<bool> CommittedAsync(Flight? before)
    {
        if (before is null)
        {
            return true;
        }

        try
        {
            return await before.Written is not null;
        }
        catch (Exception)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits for a chunk that is to be written again, or abandoned with the request: its failure is not this one's (it
    /// wrote nothing, as it waits for the chunk before it, or it is started again).
    /// </summary>
    private static async Task QuietlyAsync(Flight? flight) => await CommittedAsync(flight);

    private Flight Start(Guid clinicId, List<ImportedLine> lines, Flight? before, CancellationToken cancellationToken)
    {
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return new Flight(lines, WriteChunkAsync(clinicId, lines, before, locked, cancellationToken), locked.Task);
    }

    /// <summary>
    /// The chunk in one unit of work (<see cref="ChunkWriter"/>), in a service scope of its own as a PUT has per
    /// request: a fresh context and connection, and no audit attempt of its own.
    /// </summary>
    /// <param name="before">
    /// The chunk before, in flight: this one reads after that one has locked its patients (else this one could lock a
    /// patient of both first, and each would wait for the other), and writes after that one has committed.
    /// </param>
    /// <returns>Null, with nothing written, when the chunk must be written line by line instead, or again.</returns>
    private async Task<List<ImportOutcome>?> WriteChunkAsync(
        Guid clinicId, List<ImportedLine> lines, Flight? before, TaskCompletionSource locked, CancellationToken cancellationToken)
    {
        try
        {
            if (before is not null)
            {
                await before.Locked;
            }

            await using var scope = scopes.CreateAsyncScope();
            var unit = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
            var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
            var alerts = scope.ServiceProvider.GetRequiredService<AlertSync>();
            var counts = scope.ServiceProvider.GetRequiredService<CommittedCounts>();
            return await unit.ExecuteAsync(
                () => ChunkWriter.WriteAsync(db, alerts, counts, clock, clinicId, lines, locked, CommittedAsync(before), cancellationToken),
                outcomes => outcomes is null ? StatusCodes.Status409Conflict : StatusCodes.Status200OK,
                cancellationToken);
        }
        finally
        {
            locked.TrySetResult();
        }
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
