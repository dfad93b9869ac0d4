using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using AllianceMonitor.Api.Sessions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Imports;

/// <summary>
/// A chunk of session PUTs in one unit of work: one read (<see cref="ChunkReadBatch"/>), then each line in order
/// through the PUT's own steps in memory (<see cref="SessionWriter.Apply"/>, then <see cref="AlertSync"/> on the
/// patient's series as the lines before it left them), then one UPDATE for the superseded revisions, COPY of the new
/// sessions and revisions (<see cref="ChunkCopy"/>) and the unit of work's one save of everything else. Each line sees exactly what its PUT would have read after the lines before it
/// had committed, so sessions, revisions, alerts, detector states and webhook events come out as the PUTs' would.
/// Each line's time is its own, as each PUT's is, so events keep the lines' order.
/// </summary>
internal static class ChunkWriter
{
    /// <param name="locked">Set once the chunk's patients are locked, for the chunk after it to read.</param>
    /// <param name="mayWrite">
    /// Whether the chunk before this one was written as a chunk: this one is read and judged while that one commits,
    /// and waits for it before its first write, so that ids, events and the change counter follow the lines' order.
    /// </param>
    /// <returns>
    /// Each line's outcome, in order; null, with nothing written, when a patient was erased while the chunk locked it
    /// or when the chunk before was not written as a chunk (its lines are then written after this read).
    /// </returns>
    public static async Task<List<ImportOutcome>?> WriteAsync(
        AllianceDbContext db, AlertSync alerts, CommittedCounts counts, TimeProvider clock, Guid clinicId, IReadOnlyList<ImportedLine> lines,
        TaskCompletionSource locked, Task<bool> mayWrite, CancellationToken ct)
    {
        var state = await ChunkReadBatch.ReadAsync(db, clinicId, lines, Timestamps.Now(clock), ct);
        locked.TrySetResult();
        if (state is null)
        {
            return null;
        }

        var outcomes = new List<ImportOutcome>(lines.Count);
        var superseded = new List<(long Id, DateTimeOffset At)>();
        var (newSessions, newMeasurements) = (new List<Session>(), new List<Measurement>());
        foreach (var line in lines)
        {
            var request = line.Request;
            var now = Timestamps.Now(clock);
            var patient = state.Patients[request.PatientId];
            var therapist = request.Body.TherapistId is { } therapistId ? state.Therapists[therapistId] : null;
            var stored = state.Sessions.GetValueOrDefault((patient.Patient.Id, request.SessionNumber));
            var change = SessionWriter.Apply(db, patient.Patient, therapist, stored, request, now);
            if (!change.Changed)
            {
                outcomes.Add(ImportOutcome.Unchanged);
                continue;
            }

            if (change.Created)
            {
                newSessions.Add(change.Session);
            }

            newMeasurements.AddRange(change.Additions);
            SessionWriter.MarkSuperseded(db, change.Superseded, now);
            superseded.AddRange(change.Superseded.Select(m => (m.Id, now)));
            patient.Rows[request.SessionNumber] = [.. SessionWriter.InForce(change.Session, patient.Patient.Id)];
            await alerts.ReconcileAsync(
                clinicId, patient.Patient, request.SessionNumber, patient.Rows.Values.SelectMany(r => r).ToList(), patient.States, patient.Alerts,
                state.Calibrations, state.SubscribedEvents, ct, rowsAreWhole: true);
            outcomes.Add(change.Created ? ImportOutcome.Created : ImportOutcome.Updated);
            counts.Add(Telemetry.SessionsIngested, "outcome", change.Created ? "created" : "revised");
        }

        if (!await mayWrite)
        {
            return null;
        }

        await SupersedeAsync(db, superseded, ct);
        await ChunkCopy.WriteAsync(db, newSessions, newMeasurements, ct);
        return outcomes;
    }

    /// <summary>
    /// Before the save, as the PUT does it: the filtered unique index allows one revision in force per form, and the
    /// save inserts the revisions that replace these.
    /// </summary>
    private static async Task SupersedeAsync(AllianceDbContext db, List<(long Id, DateTimeOffset At)> superseded, CancellationToken ct)
    {
        if (superseded.Count == 0)
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync(
            """
            UPDATE measurements m SET superseded_at = u.at FROM unnest(@ids, @ats) AS u(id, at)
            WHERE m.id = u.id AND m.superseded_at IS NULL
            """,
            [
                new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = superseded.Select(s => s.Id).ToArray() },
                new NpgsqlParameter("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = superseded.Select(s => s.At).ToArray() },
            ],
            ct);
    }
}
