using System.Data.Common;
using System.Security.Cryptography;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Imports;

/// <summary>One patient of a chunk, locked: what its session PUTs would each read, kept up to date line by line.</summary>
internal sealed class ChunkPatient(Patient patient)
{
    public Patient Patient => patient;

    /// <summary>The patient's ratings in force of the alerted instruments, by session: the whole series, not only what a state skips.</summary>
    public Dictionary<int, List<RatingRow>> Rows { get; } = [];

    public List<SeriesDetectorState> States { get; } = [];
    public List<Alert> Alerts { get; } = [];
}

/// <summary>Everything a chunk of import lines reads, tracked by the chunk's context.</summary>
/// <param name="Patients">By external id; every patient of the chunk, created if new, locked until the chunk commits.</param>
/// <param name="Therapists">By external id; every therapist a line names, created if new.</param>
/// <param name="Sessions">By patient and number: the chunk's stored sessions, each with every revision of its forms.</param>
internal sealed record ChunkState(
    Dictionary<string, ChunkPatient> Patients,
    Dictionary<string, Therapist> Therapists,
    Dictionary<(Guid Patient, int Number), Session> Sessions,
    ClinicCalibrations Calibrations,
    IReadOnlySet<string> SubscribedEvents);

/// <summary>
/// The read half of a chunk of session PUTs as one multi-statement command, as <see cref="SessionReadBatch"/> is for
/// one PUT: create the chunk's new patients and lock all of them (in one order, the patients' external ids, so two
/// imports cannot deadlock on each other), create its new therapists, then read its stored sessions with their
/// revisions, the patients' whole alerted series, detector states and alerts, the clinic's webhook subscriptions,
/// settings and calibrations. The calibrations are read once per chunk, so a refit committed during an import applies
/// to the chunks after it.
/// </summary>
internal static class ChunkReadBatch
{
    private const string OfPatients = "p.clinic_id = @clinic AND p.external_id = ANY(@patients)";

    private const string ChunkSessions = """
        unnest(@key_patients, @key_numbers) AS k(external_id, number)
        JOIN patients p ON p.clinic_id = @clinic AND p.external_id = k.external_id
        JOIN sessions s ON s.patient_id = p.id AND s.number = k.number
        """;

    /// <returns>Null when a patient was erased between its insert and its lock: the caller then writes the lines one by one.</returns>
    public static async Task<ChunkState?> ReadAsync(
        AllianceDbContext db, Guid clinicId, IReadOnlyList<ImportedLine> lines, DateTimeOffset now, CancellationToken ct)
    {
        var patients = lines.Select(l => l.Request.PatientId).Distinct(StringComparer.Ordinal).ToArray();
        var therapists = lines.Select(l => l.Request.Body.TherapistId).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        var command = db.GetService<IRelationalCommandBuilderFactory>().Create().Append(Sql(therapists.Length > 0));
        SessionReadBatch.AddParameter(command, "clinic", clinicId, NpgsqlDbType.Uuid);
        SessionReadBatch.AddParameter(command, "now", now, NpgsqlDbType.TimestampTz);
        SessionReadBatch.AddParameter(command, "patients", patients, NpgsqlDbType.Array | NpgsqlDbType.Text);
        SessionReadBatch.AddParameter(command, "patient_new_ids", SequentialIds(patients.Length, now), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        SessionReadBatch.AddParameter(command, "therapists", therapists, NpgsqlDbType.Array | NpgsqlDbType.Text);
        SessionReadBatch.AddParameter(command, "therapist_new_ids", therapists.Select(_ => Guid.CreateVersion7()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Uuid);
        SessionReadBatch.AddParameter(command, "key_patients", lines.Select(l => l.Request.PatientId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        SessionReadBatch.AddParameter(command, "key_numbers", lines.Select(l => l.Request.SessionNumber).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer);
        SessionReadBatch.AddParameter(command, "instruments", Alerts.AlertSync.AlertedInstruments.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);

        await using var relational = await command.Build().ExecuteReaderAsync(
            new RelationalCommandParameterObject(
                db.GetService<IRelationalConnection>(), null, null, db, db.GetService<IRelationalCommandDiagnosticsLogger>(), CommandSource.FromSqlQuery),
            ct);
        return await ReadAsync(db, relational.DbDataReader, clinicId, patients.Length, therapists.Length > 0, ct);
    }

    private const string TherapistsSql = """
        INSERT INTO therapists (id, clinic_id, external_id)
        SELECT u.id, @clinic, u.external_id FROM unnest(@therapist_new_ids, @therapists) AS u(id, external_id) ORDER BY u.external_id
        ON CONFLICT (clinic_id, external_id) DO NOTHING;
        SELECT id, external_id FROM therapists WHERE clinic_id = @clinic AND external_id = ANY(@therapists);
        """;

    /// <summary>The statements, in the order the reader reads their results.</summary>
    private static string Sql(bool withTherapists) => $"""
        INSERT INTO patients (id, clinic_id, external_id, created_at)
        SELECT u.id, @clinic, u.external_id, @now FROM unnest(@patient_new_ids, @patients) AS u(id, external_id) ORDER BY u.external_id
        ON CONFLICT (clinic_id, external_id) DO NOTHING;
        SELECT p.id, p.therapist_id, p.created_at, t.external_id, p.external_id FROM patients p LEFT JOIN therapists t ON t.id = p.therapist_id
        WHERE {OfPatients} ORDER BY p.external_id FOR UPDATE OF p;
        {(withTherapists ? TherapistsSql : "")}
        SELECT s.id, s.occurred_on, s.modality, s.therapist_id, s.created_at, s.updated_at, s.patient_id, s.number FROM {ChunkSessions};
        SELECT {SessionReadBatch.MeasurementColumns}
        FROM {ChunkSessions} JOIN measurements m ON m.session_id = s.id;
        SELECT m.patient_id, m.session_number, m.instrument, m.rater, m.timing, m.total
        FROM patients p JOIN measurements m ON m.patient_id = p.id
        WHERE {OfPatients} AND m.superseded_at IS NULL AND m.instrument = ANY(@instruments);
        SELECT st.instrument, st.rater, st.last_session, st.sessions, st.rule_version, st.calibration_version, st.state, st.updated_at, st.patient_id
        FROM series_detector_states st JOIN patients p ON p.id = st.patient_id WHERE {OfPatients};
        SELECT {SessionReadBatch.AlertColumns}
        FROM alerts a JOIN patients p ON p.id = a.patient_id WHERE {OfPatients};
        {SessionReadBatch.SubscribedEventsSql}
        {SessionReadBatch.CalibrationsSql}
        """;

    private static async Task<ChunkState?> ReadAsync(
        AllianceDbContext db, DbDataReader reader, Guid clinicId, int patientCount, bool withTherapists, CancellationToken ct)
    {
        // The inserts return no rows, so the reader skips them. The lock returns every patient unless one was erased in between.
        var therapistsById = new Dictionary<Guid, Therapist>();
        var patients = new Dictionary<string, ChunkPatient>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            var patient = new Patient
            {
                Id = reader.GetGuid(0),
                ClinicId = clinicId,
                ExternalId = reader.GetString(4),
                TherapistId = SessionRows.NullableGuid(reader, 1),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
            };
            if (patient.TherapistId is { } therapistId)
            {
                patient.Therapist = Therapist(therapistsById, therapistId, clinicId, reader.GetString(3));
            }

            patients[patient.ExternalId] = new ChunkPatient(patient);
        }

        if (patients.Count != patientCount)
        {
            return null;
        }

        var therapists = new Dictionary<string, Therapist>(StringComparer.Ordinal);
        if (withTherapists)
        {
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var therapist = Therapist(therapistsById, reader.GetGuid(0), clinicId, reader.GetString(1));
                therapists[therapist.ExternalId] = therapist;
            }
        }

        // Attached in the order a PUT's read batch attaches them, so EF's fix-up links the same navigations.
        foreach (var therapist in therapistsById.Values)
        {
            db.Entry(therapist).State = EntityState.Unchanged;
        }

        foreach (var patient in patients.Values)
        {
            db.Entry(patient.Patient).State = EntityState.Unchanged;
        }

        var byId = patients.Values.ToDictionary(p => p.Patient.Id);
        await reader.NextResultAsync(ct);
        var sessions = new Dictionary<(Guid, int), Session>();
        while (await reader.ReadAsync(ct))
        {
            var session = SessionRows.Session(reader, reader.GetGuid(6), reader.GetInt32(7));
            db.Entry(session).State = EntityState.Unchanged;
            sessions[(session.PatientId, session.Number)] = session;
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            db.Entry(SessionRows.Measurement(reader, reader.GetInt64(0))).State = EntityState.Unchanged;
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = new RatingRow(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), StoredNames.Parse<Rater>(reader.GetString(3)),
                StoredNames.Parse<Timing>(reader.GetString(4)), reader.GetDouble(5));
            var rows = byId[row.PatientId].Rows;
            if (!rows.TryGetValue(row.Session, out var ofSession))
            {
                rows[row.Session] = ofSession = [];
            }

            ofSession.Add(row);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var state = SessionRows.DetectorState(reader, reader.GetGuid(8));
            db.Entry(state).State = EntityState.Unchanged;
            byId[state.PatientId].States.Add(state);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var alert = SessionRows.Alert(reader);
            db.Entry(alert).State = EntityState.Unchanged;
            byId[alert.PatientId].Alerts.Add(alert);
        }

        await reader.NextResultAsync(ct);
        var subscribed = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            subscribed.Add(reader.GetString(0));
        }

        var calibrations = await SessionReadBatch.ReadCalibrationsAsync(reader, ct);
        return new ChunkState(patients, therapists, sessions, calibrations, subscribed);
    }

    /// <summary>
    /// Version 7 ids that sort in the order they are made even within one millisecond (RFC 9562's method 3: a counter in
    /// the 12 bits after the version), where <see cref="Guid.CreateVersion7()"/> is random within it. The refit reads a
    /// clinic's ratings ordered by patient id, and sums them in that order: patients created by one chunk must sort in
    /// line order, as the same patients created by PUTs (milliseconds apart) do, for the refit to come out equal to the bit.
    /// </summary>
    internal static Guid[] SequentialIds(int count, DateTimeOffset now)
    {
        if (count > 0x1000)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "at most 4096 ids per millisecond");
        }

        var ids = new Guid[count];
        Span<byte> bytes = stackalloc byte[16];
        var milliseconds = now.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            RandomNumberGenerator.Fill(bytes);
            for (var b = 0; b < 6; b++)
            {
                bytes[b] = (byte)(milliseconds >> (8 * (5 - b)));
            }

            bytes[6] = (byte)(0x70 | (i >> 8));
            bytes[7] = (byte)i;
            bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
            ids[i] = new Guid(bytes, bigEndian: true);
        }

        return ids;
    }

    /// <summary>One instance per therapist, so the patient's therapist and a line's therapist are the same tracked entity.</summary>
    private static Therapist Therapist(Dictionary<Guid, Therapist> byId, Guid id, Guid clinicId, string externalId)
    {
        if (!byId.TryGetValue(id, out var therapist))
        {
            byId[id] = therapist = new Therapist { Id = id, ClinicId = clinicId, ExternalId = externalId };
        }

        return therapist;
    }
}
