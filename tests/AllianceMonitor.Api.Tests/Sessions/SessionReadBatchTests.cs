using System.Net.Http.Json;
using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Tests.Sessions;

/// <summary>
/// The read batch maps its rows column by column; here every entity it reads is compared, field by field (as JSON),
/// with EF Core's own reading of the same rows, so a column read into the wrong field fails here.
/// </summary>
public sealed class SessionReadBatchTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    [Fact]
    public async Task The_batch_reads_what_ef_core_reads()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Ratings.Session(54, phq9Total: 4))).EnsureSuccessStatusCode();
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Ratings.Session(54, phq9Total: 5))).EnsureSuccessStatusCode();
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/3", Ratings.Session(30, phq9Total: 21))).EnsureSuccessStatusCode();
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/3", Ratings.Session(31, phq9Total: 21))).EnsureSuccessStatusCode();
        await SeedCalibrationsAsync(tenant.ClinicId);

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<CalibrationStore>();
        SessionState? state = null;
        await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(
            async () => state = await SessionReadBatch.ReadAsync(
                db, store, tenant.ClinicId, "p-1", 3, "t-7", AlertSync.AlertedInstruments, DateTimeOffset.UtcNow, CancellationToken.None),
            _ => StatusCodes.Status400BadRequest, // rolls back: the batch must not need a commit to read
            CancellationToken.None);

        await using var ef = factory.NewDbContext();
        var patient = await ef.Patients.AsNoTracking().SingleAsync(p => p.ClinicId == tenant.ClinicId && p.ExternalId == "p-1");
        Assert.False(state!.PatientCreated);
        Assert.Equal(
            (patient.Id, patient.ClinicId, patient.TherapistId, patient.CreatedAt),
            (state.Patient.Id, state.Patient.ClinicId, state.Patient.TherapistId, state.Patient.CreatedAt));
        Assert.Equal(await ef.Therapists.Where(t => t.ClinicId == tenant.ClinicId && t.ExternalId == "t-7").Select(t => t.Id).SingleAsync(), state.Therapist!.Id);

        var session = await ef.Sessions.AsNoTracking().Include(s => s.Measurements).SingleAsync(s => s.PatientId == patient.Id && s.Number == 3);
        Assert.Equal(OfDetails(session), OfDetails(state.Session!));
        Assert.Equal(3, state.Session!.Measurements.Count); // the WAI-SR corrected once, the PHQ-9 unchanged
        Assert.Equal(
            session.Measurements.OrderBy(m => m.Id).Select(Of),
            state.Session.Measurements.OrderBy(m => m.Id).Select(Of));

        var alerts = await ef.Alerts.AsNoTracking().Where(a => a.PatientId == patient.Id).OrderBy(a => a.Id).ToListAsync();
        Assert.NotEmpty(alerts);
        Assert.Contains(alerts, a => a.Kind == AlertKind.Deterioration);
        Assert.Equal(alerts.Select(Of), state.Alerts.OrderBy(a => a.Id).Select(Of));

        var rows = await AllianceSeries.LoadAsync(ef, tenant.ClinicId, patient.Id, AlertSync.AlertedInstruments, CancellationToken.None);
        Assert.Equal(
            rows.Where(r => r.Session != 3).OrderBy(r => (r.Session, r.Instrument)),
            state.OtherSessionRows.OrderBy(r => (r.Session, r.Instrument)));

        var expected = await new CalibrationStore(ef, TimeProvider.System).ForClinicAsync(tenant.ClinicId, CancellationToken.None);
        Assert.Equal(Of(expected.Settings), Of(state.Calibrations.Settings));
        foreach (var (instrument, rater) in new[] { ("wai-sr", Rater.Client), ("wai-sr-t", Rater.Therapist), ("wai-sr", Rater.Therapist) })
        {
            Assert.Equal(Of(expected.Current(instrument, rater)), Of(state.Calibrations.Current(instrument, rater)));
        }

        Assert.Equal(2, state.Calibrations.Current("wai-sr", Rater.Client).Version);
        Assert.Same(state.Calibrations, store.Loaded(tenant.ClinicId));
    }

    /// <summary>
    /// The ratings the batch reads for the alert replay, against the rule applied rating by rating in C#: every rating in
    /// force of an alerted instrument but this session's, less those a state covers (its series', up to its last session,
    /// when that is before this session and the state was judged under the series' current calibration version, 0 before
    /// the first fit). The states are varied by hand: resumable, stale after a refit, ending after this session, ending
    /// early, missing; every session number is read, corrections and new sessions alike.
    /// </summary>
    [Fact]
    public async Task The_other_ratings_are_the_ratings_no_resumable_state_covers()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        for (var session = 1; session <= 8; session++)
        {
            var measurements = new List<object> { new { instrument = "wai-sr", items = Ratings.WaiSr(50 + session % 3) } };
            if (session % 2 == 0)
            {
                measurements.Add(new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(46 + session % 2) });
            }

            if (session != 4)
            {
                measurements.Add(new { instrument = "phq-9", items = Ratings.Phq9(5 + session) });
            }

            measurements.Add(new { instrument = "gad-7", items = Enumerable.Repeat(session % 4, 7).ToArray() });
            (await ingest.PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{session}",
                new { occurredOn = "2026-11-02", modality = "video", therapistId = "t-7", measurements })).EnsureSuccessStatusCode();
        }

        await using var ef = factory.NewDbContext();
        var patient = await ef.Patients.AsNoTracking().SingleAsync(p => p.ClinicId == tenant.ClinicId && p.ExternalId == "p-1");
        var states = await ef.SeriesDetectorStates.Where(s => s.PatientId == patient.Id).ToListAsync();
        Assert.Equal(["gad-7", "phq-9", "wai-sr", "wai-sr-t"], states.Select(s => s.Instrument).Order(StringComparer.Ordinal));

        // The client WAI-SR's state is stale (refitted since), the therapist's ends early, the GAD-7's is gone; the PHQ-9's
        // stays as stored (covering up to 8).
        SeedCalibration(ef, tenant.ClinicId, "wai-sr", Rater.Client, 1);
        SeedCalibration(ef, tenant.ClinicId, "wai-sr-t", Rater.Therapist, 1);
        states.Single(s => s.Instrument == "wai-sr-t").CalibrationVersion = 1;
        states.Single(s => s.Instrument == "wai-sr-t").LastSession = 4;
        ef.SeriesDetectorStates.Remove(states.Single(s => s.Instrument == "gad-7"));
        await ef.SaveChangesAsync();

        var ratings = await AllianceSeries.LoadAsync(ef, tenant.ClinicId, patient.Id, AlertSync.AlertedInstruments, CancellationToken.None);
        var latest = (await ef.Calibrations.AsNoTracking().Where(c => c.ClinicId == tenant.ClinicId).ToListAsync())
            .GroupBy(c => (c.Instrument, c.Rater)).ToDictionary(g => g.Key, g => g.Max(c => c.Version));
        var kept = await ef.SeriesDetectorStates.AsNoTracking().Where(s => s.PatientId == patient.Id).ToListAsync();

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        var covered = 0;
        for (var number = 1; number <= 10; number++)
        {
            var expected = ratings
                .Where(r => r.Session != number)
                .Where(r => !kept.Any(s => s.Instrument == r.Instrument && s.Rater == r.Rater && r.Session <= s.LastSession
                    && s.LastSession < number && s.CalibrationVersion == latest.GetValueOrDefault((s.Instrument, s.Rater))))
                .Select(r => (r.Session, r.Instrument, r.Rater.StoredName(), r.Timing.StoredName(), r.Total))
                .Order()
                .ToList();
            covered += ratings.Count(r => r.Session != number) - expected.Count;

            await using var read = new NpgsqlCommand(SessionReadBatch.OtherRatingsSql, connection);
            read.Parameters.Add(new NpgsqlParameter("clinic", NpgsqlDbType.Uuid) { Value = tenant.ClinicId });
            read.Parameters.Add(new NpgsqlParameter("patient", NpgsqlDbType.Text) { Value = "p-1" });
            read.Parameters.Add(new NpgsqlParameter("number", NpgsqlDbType.Integer) { Value = number });
            read.Parameters.Add(new NpgsqlParameter("instruments", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = AlertSync.AlertedInstruments.ToArray() });
            var actual = new List<(int, string, string, string, double)>();
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    actual.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetDouble(4)));
                }
            }

            Assert.Equal(expected, actual.Order().ToList());
        }

        Assert.True(covered > 0, "no state covered any rating: the check would not tell the states apart");
    }

    private static void SeedCalibration(AllianceDbContext db, Guid clinicId, string instrument, Rater rater, int version) =>
        db.Calibrations.Add(new CalibrationRecord(new Calibration(instrument, version, false, 4.0, 0.2, 0.3, 3.0, 31, 120))
        {
            ClinicId = clinicId, Rater = rater, Trigger = CalibrationTrigger.Manual, FittedAt = DateTimeOffset.UtcNow,
        });

    /// <summary>
    /// PostgreSQL keeps a prepared statement's plan until the table is next analyzed; planned on small tables, the batch's
    /// reads scanned whole tables (every patient, every detector state), so a PUT grew dearer with every patient until
    /// autovacuum re-planned it. Here, on this test's small, freshly analyzed database, every read of the batch is
    /// planned as PostgreSQL would plan it inside a session PUT (after the batch's first statement), and none may scan a
    /// whole table. The same reads planned without that statement do scan a table here, so the database is small
    /// enough for the check to mean something.
    /// </summary>
    [Fact]
    public async Task No_read_of_the_batch_scans_a_whole_table_on_a_small_database()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        for (var session = 1; session <= 3; session++)
        {
            (await ingest.PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{session}", Ratings.Session(54 - session, phq9Total: 4))).EnsureSuccessStatusCode();
        }

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var reads = SessionReadBatch.Sql(withTherapist: true, withCalibrations: true)
            .Split(';')
            .Select(statement => statement.Trim())
            .Where(statement => statement.StartsWith("SELECT", StringComparison.Ordinal) || statement.StartsWith("WITH", StringComparison.Ordinal))
            .ToList();
        Assert.True(reads.Count >= 8, $"{reads.Count} reads");
        Assert.Contains(SessionReadBatch.OtherRatingsSql.Trim().TrimEnd(';'), reads);

        var inPut = await PlansAsync(connection, tenant.ClinicId, reads, SessionReadBatch.IndexPlansSql);
        var planner = await PlansAsync(connection, tenant.ClinicId, reads, null);

        Assert.All(inPut, plan => Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal));
        Assert.Contains(planner, plan => plan.Contains("Seq Scan", StringComparison.Ordinal));
    }

    /// <summary>Each read's plan (EXPLAIN with this test's values), in one transaction that first runs <paramref name="setting"/>.</summary>
    private static async Task<List<string>> PlansAsync(NpgsqlConnection connection, Guid clinicId, List<string> reads, string? setting)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        if (setting is not null)
        {
            await using var set = new NpgsqlCommand(setting, connection, transaction);
            await set.ExecuteNonQueryAsync();
        }

        var plans = new List<string>();
        foreach (var read in reads)
        {
            await using var explain = new NpgsqlCommand("EXPLAIN " + read, connection, transaction);
            explain.Parameters.Add(new NpgsqlParameter("clinic", NpgsqlDbType.Uuid) { Value = clinicId });
            explain.Parameters.Add(new NpgsqlParameter("patient", NpgsqlDbType.Text) { Value = "p-1" });
            explain.Parameters.Add(new NpgsqlParameter("number", NpgsqlDbType.Integer) { Value = 4 });
            explain.Parameters.Add(new NpgsqlParameter("instruments", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = AlertSync.AlertedInstruments.ToArray() });
            explain.Parameters.Add(new NpgsqlParameter("therapist_ref", NpgsqlDbType.Text) { Value = "t-7" });
            var lines = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    lines.Add(reader.GetString(0));
                }
            }

            plans.Add(read + "\n" + string.Join("\n", lines));
        }

        await transaction.RollbackAsync();
        return plans;
    }

    /// <summary>Two versions of the client WAI-SR (the batch must pick the later), one older-format one without a model, and settings.</summary>
    private async Task SeedCalibrationsAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var now = DateTimeOffset.UtcNow;
        var model = new PredictionModel(PredictionModel.RobustMethod, 0.31, 0.22, 4.05, 0.41, 0.012, 0.021, 0.13, 1.17, 0.91);
        db.Calibrations.AddRange(
            new CalibrationRecord(new Calibration("wai-sr", 1, false, 4.0, 0.2, 0.3, 3.0, 31, 120, null, model))
            {
                ClinicId = clinicId, Rater = Rater.Client, Trigger = CalibrationTrigger.Auto, FittedAt = now.AddDays(-1),
            },
            new CalibrationRecord(new Calibration("wai-sr", 2, false, 4.1, 0.25, 0.35, 3.1, 32, 130, -0.5, model with { Phi = 0.33 }))
            {
                ClinicId = clinicId, Rater = Rater.Client, Trigger = CalibrationTrigger.Manual, FittedAt = now, SymptomInstrument = "phq-9",
            },
            new CalibrationRecord(new Calibration("wai-sr-t", 1, true, 4.2, 0.1, 0.2, 3.2, 5, 20))
            {
                ClinicId = clinicId, Rater = Rater.Therapist, Trigger = CalibrationTrigger.Auto, FittedAt = now, DefaultReason = "too few patients",
            });
        db.ClinicSettings.Add(new ClinicSettings { ClinicId = clinicId, Detector = DetectorSettings.Default with { RepairWindow = 4 }, UpdatedAt = now });
        await db.SaveChangesAsync();
    }

    private static string Of(object value) => JsonSerializer.Serialize(value, value.GetType(), Json);

    private static string OfDetails(Session session) =>
        Of(new { session.Id, session.PatientId, session.Number, session.OccurredOn, session.Modality, session.TherapistId, session.CreatedAt, session.UpdatedAt });

    private static string Of(Measurement m) => Of((object)m);

    private static string Of(Alert a) => Of(new
    {
        a.Id, a.ClinicId, a.PatientId, a.Instrument, a.Rater, a.Kind, a.Session, a.Status, a.RuptureStatus, a.StatusSession, a.Severity,
        a.Evidence, a.CreatedAt, a.UpdatedAt, a.AcknowledgedAt, a.AcknowledgedBy, a.AcknowledgeNote, a.ResolvedAt, a.ResolvedBy, a.ResolveNote,
    });
}
