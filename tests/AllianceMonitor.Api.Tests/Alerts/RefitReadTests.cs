using System.Net.Http.Json;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Tests.Imports;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>
/// The refit reads a clinic's ratings in force from the measurements' copies of their session's patient and number
/// (issue 15). Every write path must fill those copies, and the database must refuse copies that disagree.
/// </summary>
public sealed class RefitReadTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_refit_reads_every_rating_in_force_written_by_puts_corrections_and_imports()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var simulated = SessionSimulator.Simulate(30, 21UL).Observations.Where(o => o.Alliance.HasValue).ToList();
        var puts = simulated.Select((o, i) => new SessionPut(
            o.PatientId, o.Session, Ratings.Session((int)Math.Round(o.Alliance!.Value * 12), i % 7 == 0 ? null : (int)Math.Clamp(Math.Round(o.Symptoms ?? 10), 0, 27))))
            .ToList();

        // Half the patients by PUT, half by import; then corrections both ways, which supersede revisions.
        var patients = puts.Select(p => p.Patient).Distinct().ToList();
        var byPut = puts.Where(p => patients.IndexOf(p.Patient) % 2 == 0).ToList();
        await ImportKit.PutAllAsync(ingest, byPut);
        await ImportKit.ImportAsync(ingest, ImportKit.File(puts.Except(byPut)));
        var corrections = puts.Where((_, i) => i % 17 == 0).Select(p => p with { Body = Ratings.Session(30, 20) }).ToList();
        await ImportKit.PutAllAsync(ingest, corrections.Take(corrections.Count / 2));
        await ImportKit.ImportAsync(ingest, ImportKit.File(corrections.Skip(corrections.Count / 2)));

        await using var db = factory.NewDbContext();
        ClinicRatings read;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            read = await ClinicSeriesReader.ReadAsync(db, tenant.ClinicId, CancellationToken.None);
        }

        // The authoritative path: through each session, not the copies.
        var inForce = await db.Sessions
            .Where(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == tenant.ClinicId))
            .SelectMany(s => s.Measurements.Where(m => m.SupersededAt == null && m.Instrument == "wai-sr"))
            .CountAsync();
        var series = Assert.Single(read.Series);
        Assert.Equal(("wai-sr", Rater.Client), (series.Instrument, series.Rater));
        Assert.Equal(puts.Count, inForce);
        Assert.Equal(inForce, series.Ratings.Ratings);
        Assert.Equal("phq-9", read.SymptomInstrument);
    }

    [Fact]
    public async Task A_measurement_whose_patient_or_number_is_not_its_sessions_is_refused()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Ratings.Session(50))).EnsureSuccessStatusCode();
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-2/sessions/1", Ratings.Session(50))).EnsureSuccessStatusCode();

        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        string Insert(string patient, int number) => $"""
            INSERT INTO measurements (session_id, patient_id, session_number, instrument, rater, timing, revision, total, subscales, received_at, superseded_at)
            SELECT s.id, {patient}, {number}, 'wai-sr', 'client', 'post', 2, 4, '{"{}"}', now(), now()
            FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = '{tenant.ClinicId}' AND p.external_id = 'p-1'
            """;
        var otherPatient = $"(SELECT id FROM patients WHERE clinic_id = '{tenant.ClinicId}' AND external_id = 'p-2')";

        foreach (var wrong in new[] { Insert("s.patient_id", 2), Insert(otherPatient, 1) })
        {
            await using var command = new NpgsqlCommand(wrong, connection);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
            Assert.Equal(
                (PostgresErrorCodes.ForeignKeyViolation, "fk_measurements_sessions_session_id_patient_id_session_number"),
                (refused.SqlState, refused.ConstraintName));
        }

        await using var right = new NpgsqlCommand(Insert("s.patient_id", 1), connection);
        Assert.Equal(1, await right.ExecuteNonQueryAsync());
    }
}
