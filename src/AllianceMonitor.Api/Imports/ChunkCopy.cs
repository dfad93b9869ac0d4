using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Imports;

/// <summary>
/// The bulk of a chunk's writes, its new sessions and revisions, with binary COPY instead of one INSERT each through
/// the context's save (which cost the import more than everything else together: change tracking, a statement per row
/// and its result). The rows are then attached as saved, so the unit of work's save writes only the rest (the detector
/// states, alerts, webhook events, patients given a therapist, sessions whose details changed) as the PUT's does.
/// Revisions get their ids from the table's identity sequence first, in line order, as the PUTs' inserts would.
/// </summary>
internal static class ChunkCopy
{
    private const string SessionsCopy =
        "COPY sessions (id, patient_id, number, occurred_on, modality, therapist_id, created_at, updated_at) FROM STDIN (FORMAT BINARY)";

    private const string MeasurementsCopy =
        "COPY measurements (id, session_id, patient_id, session_number, instrument, rater, timing, revision, items, total, subscales, band, received_at, superseded_at) " +
        "FROM STDIN (FORMAT BINARY)";

    /// <param name="sessions">New sessions, added to the context, in line order.</param>
    /// <param name="measurements">New revisions of new and stored sessions, in line order; none superseded in force.</param>
    public static async Task WriteAsync(AllianceDbContext db, List<Session> sessions, List<Measurement> measurements, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (sessions.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(SessionsCopy, ct);
            foreach (var s in sessions)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(s.Id, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(s.PatientId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(s.Number, NpgsqlDbType.Integer, ct);
                await WriteAsync(copy, s.OccurredOn, NpgsqlDbType.Date, ct);
                await WriteAsync(copy, s.Modality, NpgsqlDbType.Varchar, ct);
                await WriteAsync(copy, s.TherapistId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(s.CreatedAt, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(s.UpdatedAt, NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        var ids = await NextIdsAsync(db, measurements.Count, ct);
        if (measurements.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(MeasurementsCopy, ct);
            for (var i = 0; i < measurements.Count; i++)
            {
                var m = measurements[i];
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(ids[i], NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(m.SessionId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(m.PatientId, NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(m.SessionNumber, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(m.Instrument, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(m.Rater.StoredName(), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(m.Timing.StoredName(), NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(m.Revision, NpgsqlDbType.Integer, ct);
                await WriteAsync(copy, m.Items, NpgsqlDbType.Array | NpgsqlDbType.Double, ct);
                await copy.WriteAsync(m.Total, NpgsqlDbType.Double, ct);

                // As the model's value converter serializes it.
                await copy.WriteAsync(JsonSerializer.Serialize(m.Subscales, JsonSerializerOptions.Default), NpgsqlDbType.Jsonb, ct);
                await WriteAsync(copy, m.Band, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(m.ReceivedAt, NpgsqlDbType.TimestampTz, ct);
                await WriteAsync(copy, m.SupersededAt, NpgsqlDbType.TimestampTz, ct);
            }

            await copy.CompleteAsync(ct);
        }

        // Saved: attached as the database now holds them. The revisions first, each given its id before it is attached
        // (or in place, when the context already tracks it under a temporary key); then the sessions, whose change
        // detection then finds their revisions tracked already. The other order tracked every new revision as Added
        // under a temporary key only to re-key it (about 80 us a session in a profile).
        for (var i = 0; i < measurements.Count; i++)
        {
            var entry = db.Entry(measurements[i]);
            var id = entry.Property(m => m.Id);
            id.CurrentValue = ids[i];
            if (entry.State != EntityState.Detached)
            {
                id.IsTemporary = false;
            }

            entry.State = EntityState.Unchanged;
        }

        foreach (var session in sessions)
        {
            db.Entry(session).State = EntityState.Unchanged;
        }
    }

    private static async Task<long[]> NextIdsAsync(AllianceDbContext db, int count, CancellationToken ct)
    {
        if (count == 0)
        {
            return [];
        }

        return await db.Database.SqlQueryRaw<long>(
                "SELECT nextval(pg_get_serial_sequence('measurements', 'id')) AS \"Value\" FROM generate_series(1, @count) ORDER BY 1",
                new NpgsqlParameter("count", NpgsqlDbType.Integer) { Value = count })
            .ToArrayAsync(ct);
    }

    private static Task WriteAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct) =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);
}
