using System.Data.Common;
using System.Text;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Series;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Sessions;

/// <summary>What a session PUT needs to know, read in one round trip with the patient locked.</summary>
/// <param name="Patient">Locked until the transaction ends; tracked.</param>
/// <param name="Therapist">The body's therapist, created if new; tracked. Null when the body names none.</param>
/// <param name="Session">The stored session with every revision of its forms; tracked. Null for a new session.</param>
/// <param name="OtherSessionRows">
/// The patient's ratings in force of the alerted instruments, every session but this one; of a series whose stored
/// detector state can be resumed (its last session before this one, under the current calibration version), only the
/// sessions after the state's last.
/// </param>
/// <param name="DetectorStates">Where each of the patient's series' detection stood after its last session; tracked.</param>
/// <param name="Alerts">The patient's stored alerts, tracked.</param>
/// <param name="SubscribedEvents">The event types some webhook subscription of the clinic asks for.</param>
public sealed record SessionState(
    Patient Patient,
    bool PatientCreated,
    Therapist? Therapist,
    Session? Session,
    List<RatingRow> OtherSessionRows,
    List<SeriesDetectorState> DetectorStates,
    List<Alert> Alerts,
    ClinicCalibrations Calibrations,
    IReadOnlySet<string> SubscribedEvents);

/// <summary>
/// The read half of a session PUT as one multi-statement command (one round trip, each statement auto-prepared by
/// Npgsql): create the patient if new and lock it, ensure the therapist, then read the session and its revisions, the
/// patient's other ratings the alert replay needs, the patient's alerts, the clinic's settings and calibrations (unless
/// this request already has them) and its webhook subscriptions. PostgreSQL runs the statements in order, each with a
/// fresh snapshot under READ COMMITTED, so every read after the lock sees what the previous holder of the lock
/// committed, as the separate queries did. The command goes through EF Core's command pipeline, so its interceptors
/// and logging see it. Rows are mapped here column by column (EF cannot materialize several result sets of one
/// command); <c>SessionReadBatchTests</c> compares every mapped entity with EF Core's own reading of the same rows.
/// </summary>
public static class SessionReadBatch
{
    /// <exception cref="InvalidOperationException">The patient was erased or changed three times while this write tried to lock it.</exception>
    public static async Task<SessionState> ReadAsync(
        AllianceDbContext db, CalibrationStore calibrations, Guid clinicId, string patientId, int sessionNumber, string? therapistId,
        IReadOnlyCollection<string> alertedInstruments, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cached = calibrations.Loaded(clinicId);
        var sql = Sql(therapistId is not null, cached is null);

        // An erasure that commits between the insert (which found the patient) and the lock leaves nothing to lock:
        // this write then comes after the erasure, and the next round creates the patient anew (found by the fuzz test).
        for (var round = 1; ; round++)
        {
            var command = db.GetService<IRelationalCommandBuilderFactory>().Create().Append(sql);
            AddParameter(command, "clinic", clinicId, NpgsqlDbType.Uuid);
            AddParameter(command, "patient", patientId, NpgsqlDbType.Text);
            AddParameter(command, "patient_new_id", Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            AddParameter(command, "now", now, NpgsqlDbType.TimestampTz);
            AddParameter(command, "number", sessionNumber, NpgsqlDbType.Integer);
            AddParameter(command, "instruments", alertedInstruments.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
            if (therapistId is not null)
            {
                AddParameter(command, "therapist_ref", therapistId, NpgsqlDbType.Text);
                AddParameter(command, "therapist_new_id", Guid.CreateVersion7(), NpgsqlDbType.Uuid);
            }

            await using var relational = await command.Build().ExecuteReaderAsync(
                new RelationalCommandParameterObject(
                    db.GetService<IRelationalConnection>(), null, null, db, db.GetService<IRelationalCommandDiagnosticsLogger>(), CommandSource.FromSqlQuery),
                cancellationToken);
            var reader = relational.DbDataReader;

            // Each entity read is looked up among the tracked ones (DbSet.Local), which would first detect changes on every
            // tracked entity: once per row read, about 1.5% of a session PUT's CPU (profiled 2026-12-03). Nothing tracked
            // changes while the rows are read, and the save detects changes itself.
            var detect = db.ChangeTracker.AutoDetectChangesEnabled;
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            SessionState? state;
            try
            {
                state = await ReadAsync(db, reader, clinicId, patientId, sessionNumber, therapistId, cached, cancellationToken);
            }
            finally
            {
                db.ChangeTracker.AutoDetectChangesEnabled = detect;
            }

            if (state is not null)
            {
                if (cached is null)
                {
                    calibrations.Remember(clinicId, state.Calibrations);
                }

                return state;
            }

            if (round == 3)
            {
                throw new InvalidOperationException("The patient was erased or changed three times while this write tried to lock it.");
            }
        }
    }

    private const string OfPatient = "p.clinic_id = @clinic AND p.external_id = @patient";

    /// <summary>A revision's columns in the order <see cref="SessionRows.Measurement"/> reads them.</summary>
    internal const string MeasurementColumns =
        "m.id, m.session_id, m.instrument, m.rater, m.timing, m.revision, m.items, m.total, m.subscales, m.band, m.received_at, m.superseded_at, " +
        "m.patient_id, m.session_number";

    /// <summary>An alert's columns in the order <see cref="SessionRows.Alert"/> reads them.</summary>
    internal const string AlertColumns = """
        a.id, a.clinic_id, a.patient_id, a.instrument, a.rater, a.kind, a."session", a.status, a.rupture_status, a.status_session, a.severity,
        a.observed, a.baseline, a.drop_in_sds, a.threshold, a."rule", a.rule_version, a.calibration_version, a.default_calibration,
        a.expected_symptom_change, a.explanation, a.prediction_sd, a.threshold_sds, a.method, a.first_session, a."change",
        a.threshold_source, a.therapist_observed, a.therapist_baseline, a.therapist_threshold,
        a.created_at, a.updated_at, a.acknowledged_at, a.acknowledged_by, a.acknowledge_note, a.resolved_at, a.resolved_by, a.resolve_note
        """;

    /// <summary>The event types the clinic's webhook subscriptions ask for (parameter @clinic).</summary>
    internal const string SubscribedEventsSql = "SELECT DISTINCT e FROM webhook_subscriptions w, unnest(w.events) e WHERE w.clinic_id = @clinic;";

    /// <summary>
    /// The clinic's detector settings, then the latest calibration of each series as CalibrationStore.LatestAsync picks
    /// it (parameter @clinic); read by <see cref="ReadCalibrationsAsync"/>.
    /// </summary>
    internal const string CalibrationsSql = """
        SELECT detector FROM clinic_settings WHERE clinic_id = @clinic;
        SELECT DISTINCT ON (c.instrument, c.rater) c.id, c.clinic_id, c.instrument, c.rater, c.version, c.is_default, c.grand_mean,
            c.between_variance, c.within_sd, c.low_alliance_threshold, c.patients, c.ratings, c.symptom_effect_per_point,
            c.default_reason, c.symptom_instrument, c."trigger", c.fitted_at, c.method, c.noise_sd, c.phi, c.level_mean, c.level_sd,
            c.slope_mean, c.slope_sd, c.null_center, c.null_scale, c.judged_share
        FROM calibrations c WHERE c.clinic_id = @clinic ORDER BY c.instrument, c.rater, c.version DESC;
        """;

    /// <summary>
    /// First, for the rest of the transaction: no sequential scan where an index can serve. Every statement of the batch,
    /// the save's and the change counter trigger's find rows through one patient (or one clinic, or a primary key), and
    /// PostgreSQL keeps one plan per prepared statement until the table is next analyzed. Planned on small tables (a new
    /// or young database, the bench's fresh cluster) that plan scanned whole tables: the patients seven times a PUT and
    /// the detector states once per rating read, so the PUT's cost grew with every patient until autovacuum's next
    /// ANALYZE re-planned it, at a moment that differed from run to run (found 2026-12-03: 8 sequential scans and about
    /// 900 patient rows read per PUT at 157 patients, <c>pg_stat_user_tables</c>). With sequential scans off the plans
    /// are the index plans a large table gets anyway, whatever the table's size when planned. <c>SessionReadBatchTests</c>
    /// checks that no statement of the batch plans a sequential scan on a small database.
    /// </summary>
    internal const string IndexPlansSql = "SET LOCAL enable_seqscan = off;";

    /// <summary>
    /// The patient's ratings in force of the alerted instruments (@instruments), every session but @number, less those a
    /// stored detector state covers: a state covers its series up to its last session when that session is before this
    /// one and the state was judged under the series' current calibration version (0 before the first fit).
    /// </summary>
    /// <remarks>
    /// The states that can be resumed are found once (a patient has one per series, a few rows), then the ratings are
    /// anti-joined against them. Written as a correlated NOT EXISTS per rating, PostgreSQL looked the state and the
    /// calibration's latest version up again for every rating the patient has: about 4.5 buffer hits per rating, 917 for
    /// a patient with 101 sessions of two instruments, where this reads 16 (EXPLAIN (ANALYZE, BUFFERS), 2026-12-03). The
    /// CTE is materialized so that it runs once whatever plan is chosen. <c>SessionReadBatchTests</c> compares the rows
    /// with the per-rating rule.
    /// </remarks>
    internal const string OtherRatingsSql = $"""
        WITH resumable AS MATERIALIZED (
            SELECT st.instrument, st.rater, st.last_session
            FROM series_detector_states st JOIN patients p ON p.id = st.patient_id
            WHERE {OfPatient} AND st.last_session < @number
                AND st.calibration_version = COALESCE((SELECT max(c.version) FROM calibrations c
                    WHERE c.clinic_id = @clinic AND c.instrument = st.instrument AND c.rater = st.rater), 0))
        SELECT m.session_number, m.instrument, m.rater, m.timing, m.total
        FROM measurements m JOIN patients p ON p.id = m.patient_id
        WHERE {OfPatient} AND m.session_number <> @number AND m.superseded_at IS NULL AND m.instrument = ANY(@instruments)
            AND NOT EXISTS (SELECT 1 FROM resumable r
                WHERE r.instrument = m.instrument AND r.rater = m.rater AND m.session_number <= r.last_session);
        """;

    /// <summary>The statements, in the order the reader reads their results (the first, a setting, has none).</summary>
    internal static string Sql(bool withTherapist, bool withCalibrations)
    {
        var sql = new StringBuilder();
        sql.Append(IndexPlansSql).Append('\n');
        sql.Append("""
            INSERT INTO patients (id, clinic_id, external_id, created_at) VALUES (@patient_new_id, @clinic, @patient, @now)
            ON CONFLICT (clinic_id, external_id) DO NOTHING RETURNING id;
            """).Append('\n');
        sql.Append($"""
            SELECT p.id, p.therapist_id, p.created_at, t.external_id FROM patients p LEFT JOIN therapists t ON t.id = p.therapist_id
            WHERE {OfPatient} FOR UPDATE OF p;
            """).Append('\n');
        if (withTherapist)
        {
            sql.Append("""
                INSERT INTO therapists (id, clinic_id, external_id) VALUES (@therapist_new_id, @clinic, @therapist_ref)
                ON CONFLICT (clinic_id, external_id) DO NOTHING RETURNING id;
                SELECT id FROM therapists WHERE clinic_id = @clinic AND external_id = @therapist_ref;
                """).Append('\n');
        }

        sql.Append($"""
            SELECT s.id, s.occurred_on, s.modality, s.therapist_id, s.created_at, s.updated_at
            FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE {OfPatient} AND s.number = @number;
            SELECT {MeasurementColumns}
            FROM measurements m JOIN sessions s ON s.id = m.session_id JOIN patients p ON p.id = s.patient_id
            WHERE {OfPatient} AND s.number = @number;
            {OtherRatingsSql}
            SELECT st.instrument, st.rater, st.last_session, st.sessions, st.rule_version, st.calibration_version, st.state, st.updated_at
            FROM series_detector_states st JOIN patients p ON p.id = st.patient_id WHERE {OfPatient};
            SELECT {AlertColumns}
            FROM alerts a JOIN patients p ON p.id = a.patient_id WHERE {OfPatient};
            {SubscribedEventsSql}
            """).Append('\n');
        if (withCalibrations)
        {
            sql.Append(CalibrationsSql).Append('\n');
        }

        return sql.ToString();
    }

    internal static void AddParameter(IRelationalCommandBuilder command, string name, object value, NpgsqlDbType type) =>
        command.AddRawParameter(name, new NpgsqlParameter(name, type) { Value = value });

    /// <returns>
    /// Null when the patient was erased between the insert and the lock, or its row as locked names a therapist this
    /// statement cannot see yet: the next round reads again.
    /// </returns>
    private static async Task<SessionState?> ReadAsync(
        AllianceDbContext db, DbDataReader reader, Guid clinicId, string patientId, int sessionNumber, string? therapistId, ClinicCalibrations? cached,
        CancellationToken ct)
    {
        // INSERT ... RETURNING: a row when this call created the patient.
        var patientCreated = await reader.ReadAsync(ct);
        await reader.NextResultAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        var patient = new Patient
        {
            Id = reader.GetGuid(0),
            ClinicId = clinicId,
            ExternalId = patientId,
            TherapistId = SessionRows.NullableGuid(reader, 1),
            CreatedAt = reader.GetFieldValue<DateTimeOffset>(2),
        };
        // A write that gave the patient a therapist it created, committing while this statement waited for the lock:
        // the row is re-read as committed, the therapist is newer than the statement's snapshot and joins as null. The
        // next round holds the lock and reads both (found by the fuzz test; SessionWriteTests plays it by hand).
        if (patient.TherapistId is not null && await reader.IsDBNullAsync(3, ct))
        {
            return null;
        }

        var patientTherapist = patient.TherapistId is { } ptId
            ? new Therapist { Id = ptId, ClinicId = clinicId, ExternalId = reader.GetString(3) }
            : null;
        patient = Track(db, patient, patient.Id);
        if (patientTherapist is not null)
        {
            Track(db, patientTherapist, patientTherapist.Id);
        }

        Therapist? therapist = null;
        if (therapistId is not null)
        {
            await reader.NextResultAsync(ct);
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            var id = reader.GetGuid(0);
            therapist = Track(db, new Therapist { Id = id, ClinicId = clinicId, ExternalId = therapistId }, id);
        }

        await reader.NextResultAsync(ct);
        Session? session = null;
        if (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            session = Track(db, SessionRows.Session(reader, patient.Id, sessionNumber), id);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt64(0);
            Track(db, SessionRows.Measurement(reader, id), id);
        }

        await reader.NextResultAsync(ct);
        var rows = new List<RatingRow>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new RatingRow(patient.Id, reader.GetInt32(0), reader.GetString(1), StoredNames.Parse<Rater>(reader.GetString(2)),
                StoredNames.Parse<Timing>(reader.GetString(3)), reader.GetDouble(4)));
        }

        await reader.NextResultAsync(ct);
        var detectorStates = new List<SeriesDetectorState>();
        while (await reader.ReadAsync(ct))
        {
            detectorStates.Add(Track(db, SessionRows.DetectorState(reader, patient.Id)));
        }

        await reader.NextResultAsync(ct);
        var alerts = new List<Alert>();
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetGuid(0);
            alerts.Add(Track(db, SessionRows.Alert(reader), id));
        }

        await reader.NextResultAsync(ct);
        var subscribed = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            subscribed.Add(reader.GetString(0));
        }

        var clinic = cached ?? await ReadCalibrationsAsync(reader, ct);
        return new SessionState(patient, patientCreated, therapist, session, rows, detectorStates, alerts, clinic, subscribed);
    }

    /// <summary>The results of <see cref="CalibrationsSql"/>, from the result before them.</summary>
    internal static async Task<ClinicCalibrations> ReadCalibrationsAsync(DbDataReader reader, CancellationToken ct)
    {
        await reader.NextResultAsync(ct);
        var settings = await reader.ReadAsync(ct)
            ? Data.Configurations.ClinicSettingsConfiguration.ReadDetector(reader.GetString(0))
            : DetectorSettings.Default;
        await reader.NextResultAsync(ct);
        var latest = new List<CalibrationRecord>();
        while (await reader.ReadAsync(ct))
        {
            latest.Add(SessionRows.Calibration(reader));
        }

        return new ClinicCalibrations(settings, latest);
    }

    /// <summary>The state the context already tracks for this series (a previous write of the unit of work), else this one.</summary>
    private static SeriesDetectorState Track(AllianceDbContext db, SeriesDetectorState state)
    {
        if (db.SeriesDetectorStates.Local.FindEntryUntyped([state.PatientId, state.Instrument, state.Rater]) is { } tracked)
        {
            return tracked.Entity;
        }

        db.Entry(state).State = EntityState.Unchanged;
        return state;
    }

    /// <summary>
    /// The instance the context already tracks under this key (an earlier write of the same unit of work, or the
    /// patient a form link loaded), else this one, attached as it is in the database.
    /// </summary>
    private static T Track<T, TKey>(AllianceDbContext db, T entity, TKey key)
        where T : class
    {
        if (db.Set<T>().Local.FindEntry(key) is { } tracked)
        {
            return tracked.Entity;
        }

        db.Entry(entity).State = EntityState.Unchanged;
        return entity;
    }
}
