using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Imports;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Imports;

/// <summary>
/// The import writes valid lines in chunks of <see cref="SessionImport.ChunkLines"/>, each in one transaction: a file
/// longer than a chunk, with a patient split across two chunks, must still store what its PUTs store (detector states
/// included), and a line the database refuses must be rejected alone.
/// </summary>
public sealed class ImportChunkTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_file_of_several_chunks_stores_what_its_puts_store_detector_states_included_and_replays_unchanged()
    {
        var put = await ImportKit.TenantWithWebhookAsync(factory);
        var imported = await ImportKit.TenantWithWebhookAsync(factory);

        // 7 sessions per patient, so the first chunk ends inside a patient; every fifth patient dips at session 5.
        var puts = Enumerable.Range(1, 76)
            .SelectMany(p => Enumerable.Range(1, 7).Select(s => new SessionPut(
                $"c-{p:D3}", s, Ratings.Session(p % 5 == 0 && s == 5 ? 28 : 50 + (p % 7), 6 + (s % 3), therapistId: $"t-{p % 4}"))))
            .ToList();
        Assert.True(puts.Count > SessionImport.ChunkLines && SessionImport.ChunkLines % 7 != 0);

        await ImportKit.PutAllAsync(factory.Client(put.Ingest), puts);
        var file = ImportKit.File(puts);
        var summary = await ImportKit.ImportAsync(factory.Client(imported.Ingest), file);
        Assert.Equal((puts.Count, puts.Count, 0, 0, 0), (summary.Lines, summary.Created, summary.Updated, summary.Unchanged, summary.Rejected));

        var expected = await ImportKit.DumpAsync(factory, put.ClinicId);
        var actual = await ImportKit.DumpAsync(factory, imported.ClinicId);
        Assert.Contains(expected.Alerts, a => a.Contains(" rupture ", StringComparison.Ordinal));
        Assert.NotEmpty(expected.Events);
        Assert.Equal(expected.Patients, actual.Patients);
        Assert.Equal(expected.Sessions, actual.Sessions);
        Assert.Equal(expected.Measurements, actual.Measurements);
        Assert.Equal(expected.Alerts, actual.Alerts);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.RatingPacks, actual.RatingPacks);
        Assert.Equal(await ChangesAsync(put.ClinicId), await ChangesAsync(imported.ClinicId));
        var states = await DetectorStatesAsync(imported.ClinicId);
        Assert.Equal(2 * 76, states.Count);
        Assert.Equal(await DetectorStatesAsync(put.ClinicId), states);

        var replay = await ImportKit.ImportAsync(factory.Client(imported.Ingest), file);
        Assert.Equal((puts.Count, 0, 0, puts.Count, 0), (replay.Lines, replay.Created, replay.Updated, replay.Unchanged, replay.Rejected));
        Assert.Equal(actual, await ImportKit.DumpAsync(factory, imported.ClinicId), DumpComparer.Instance);
        Assert.Equal(states, await DetectorStatesAsync(imported.ClinicId));
    }

    [Fact]
    public async Task A_line_the_database_refuses_is_rejected_alone_with_its_number_and_the_rest_of_its_chunk_is_stored()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ImportKit.RefusingPatientRefusedAsync(factory, tenant.ClinicId, async () =>
        {
            var file = ImportKit.File([
                new SessionPut("p-1", 1, Ratings.Session(54)),
                new SessionPut("refused", 1, Ratings.Session(54)),
                new SessionPut("p-2", 1, Ratings.Session(50)),
            ]) + """{"patientId":"p-3","sessionNumber":0,"measurements":[]}""" + "\n" + new SessionPut("p-1", 2, Ratings.Session(30)).Line();

            var summary = await ImportKit.ImportAsync(factory.Client(tenant.Ingest), file);

            Assert.Equal((5, 3, 0, 0, 2), (summary.Lines, summary.Created, summary.Updated, summary.Unchanged, summary.Rejected));
            Assert.Equal([2, 4], summary.RejectedLines.Select(r => r.Line));
            Assert.Contains("the database refused it", Assert.Single(summary.RejectedLines[0].Errors["line"]), StringComparison.Ordinal);
            await using var db = factory.NewDbContext();
            var stored = await db.Sessions.Where(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == tenant.ClinicId))
                .Select(s => db.Patients.Single(p => p.Id == s.PatientId).ExternalId + "/" + s.Number).OrderBy(x => x).ToListAsync();
            Assert.Equal(["p-1/1", "p-1/2", "p-2/1"], stored);
        });
    }

    [Fact]
    public async Task The_chunk_after_a_refused_chunk_which_is_read_while_that_one_is_written_starts_again_after_its_lines()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ImportKit.RefusingPatientRefusedAsync(factory, tenant.ClinicId, async () =>
        {
            // p-1 session 1 twice: the correction starts a chunk that shares p-1 with the refused one, and must read p-1's
            // session as the refused chunk's lines, written one by one after it, left it.
            var file = ImportKit.File([
                new SessionPut("p-1", 1, Ratings.Session(54)),
                new SessionPut("refused", 1, Ratings.Session(54)),
                new SessionPut("p-1", 1, Ratings.Session(48)),
                new SessionPut("p-2", 1, Ratings.Session(50)),
            ]);

            var summary = await ImportKit.ImportAsync(factory.Client(tenant.Ingest), file);

            Assert.Equal((4, 2, 1, 0, 1), (summary.Lines, summary.Created, summary.Updated, summary.Unchanged, summary.Rejected));
            Assert.Equal([2], summary.RejectedLines.Select(r => r.Line));
            await using var db = factory.NewDbContext();
            var stored = await db.Measurements.Where(m => db.Patients.Any(p => p.Id == m.PatientId && p.ClinicId == tenant.ClinicId))
                .Select(m => db.Patients.Single(p => p.Id == m.PatientId).ExternalId + "/" + m.SessionNumber + "/r" + m.Revision).OrderBy(x => x).ToListAsync();
            Assert.Equal(["p-1/1/r1", "p-1/1/r2", "p-2/1/r1"], stored);
        });
    }

    /// <summary>The clinic's change counter (kept by triggers): a session written twice by one line would count twice.</summary>
    private async Task<long> ChangesAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        return await db.ClinicChangeCounters.Where(c => c.ClinicId == clinicId).SumAsync(c => c.Changes);
    }

    /// <summary>Every detector state of the clinic, by patient, without the times.</summary>
    private async Task<List<string>> DetectorStatesAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var rows = await db.SeriesDetectorStates.AsNoTracking()
            .Join(db.Patients.Where(p => p.ClinicId == clinicId), s => s.PatientId, p => p.Id, (s, p) => new { p.ExternalId, s })
            .ToListAsync();
        return [.. rows.Select(r => $"{r.ExternalId} {r.s.Instrument} {r.s.Rater.StoredName()} last={r.s.LastSession} sessions={r.s.Sessions} " +
                                    $"rule={r.s.RuleVersion} calibration={r.s.CalibrationVersion} {r.s.State}")
            .Order(StringComparer.Ordinal)];
    }

    private sealed class DumpComparer : IEqualityComparer<ClinicDump>
    {
        public static readonly DumpComparer Instance = new();

        public bool Equals(ClinicDump? x, ClinicDump? y) =>
            x is not null && y is not null
            && x.Patients.SequenceEqual(y.Patients) && x.Sessions.SequenceEqual(y.Sessions) && x.Measurements.SequenceEqual(y.Measurements)
            && x.Alerts.SequenceEqual(y.Alerts) && x.Events.SequenceEqual(y.Events) && x.RatingPacks.SequenceEqual(y.RatingPacks);

        public int GetHashCode(ClinicDump obj) => obj.Patients.Count;
    }
}
