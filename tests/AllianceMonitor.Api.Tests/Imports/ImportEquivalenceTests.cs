using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Imports;

/// <summary>
/// A bulk import stores exactly what the same sessions PUT one by one store: the same forms and revisions, the same
/// alerts with the same evidence, the same webhook events. One clinic gets the PUTs, the other the import.
/// </summary>
public sealed class ImportEquivalenceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const int Usual = 54;
    private const int Dip = 30;

    [Fact]
    public async Task Importing_sessions_stores_what_putting_them_one_by_one_stores()
    {
        var put = await ImportKit.TenantWithWebhookAsync(factory);
        var imported = await ImportKit.TenantWithWebhookAsync(factory);
        var (first, second) = Sessions();

        // Phase 1 on the default calibration: many patients, hand-made dips, a chronically low patient.
        await ImportKit.PutAllAsync(factory.Client(put.Ingest), first);
        var firstSummary = await ImportKit.ImportAsync(factory.Client(imported.Ingest), ImportKit.File(first));

        // Both clinics refit on the same data, so phase 2 is judged against each one's version 1.
        foreach (var tenant in new[] { put, imported })
        {
            (await factory.Client(tenant.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null)).EnsureSuccessStatusCode();
        }

        // Phase 2: new dips, corrections that add revisions or withdraw a dip, a form dropped, lines sent again unchanged.
        await ImportKit.PutAllAsync(factory.Client(put.Ingest), second);
        var secondSummary = await ImportKit.ImportAsync(factory.Client(imported.Ingest), ImportKit.File(second));

        Assert.Equal((first.Count, first.Count, 0, 0, 0), (firstSummary.Lines, firstSummary.Created, firstSummary.Updated, firstSummary.Unchanged, firstSummary.Rejected));
        Assert.Equal((second.Count, 4, 6, 2, 0), (secondSummary.Lines, secondSummary.Created, secondSummary.Updated, secondSummary.Unchanged, secondSummary.Rejected));

        var expected = await ImportKit.DumpAsync(factory, put.ClinicId);
        var actual = await ImportKit.DumpAsync(factory, imported.ClinicId);

        // The comparison means something only if the PUTs left alerts, events and corrections behind.
        Assert.Contains(expected.Alerts, a => a.Contains(" rupture ", StringComparison.Ordinal));
        Assert.Contains(expected.Alerts, a => a.Contains(" low_alliance ", StringComparison.Ordinal));
        Assert.Contains(expected.Alerts, a => a.Contains("\"CalibrationVersion\":1", StringComparison.Ordinal));
        Assert.Contains(expected.Events, e => e.StartsWith("alert.updated ", StringComparison.Ordinal));
        Assert.Contains(expected.Measurements, m => m.Contains(" r2 ", StringComparison.Ordinal));
        Assert.Contains(expected.Measurements, m => m.EndsWith(" superseded", StringComparison.Ordinal));

        Assert.Equal(expected.Patients, actual.Patients);
        Assert.Equal(expected.Sessions, actual.Sessions);
        Assert.Equal(expected.Measurements, actual.Measurements);
        Assert.Equal(expected.Alerts, actual.Alerts);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.RatingPacks, actual.RatingPacks);
        Assert.Equal(expected.Patients.Count, expected.RatingPacks.Count);
    }

    /// <summary>Two phases of PUTs; the second's line counts (4 new sessions, 6 changes, 2 repeats) are asserted above.</summary>
    private static (List<SessionPut> First, List<SessionPut> Second) Sessions()
    {
        var first = new List<SessionPut>();

        // 40 simulated patients of 5 sessions, enough for the refit to calibrate on the clinic's own ratings.
        foreach (var o in SessionSimulator.Simulate(40, 11).Observations.Where(o => o.Alliance.HasValue && o.Symptoms.HasValue))
        {
            first.Add(new SessionPut(o.PatientId, o.Session, Ratings.Session((int)Math.Round(o.Alliance!.Value * 12), (int)o.Symptoms!.Value)));
        }

        // Interleaved with the simulated ones, as a real export from several therapists would be.
        AddSeries(first, "dip-repaired", "t-1", Usual, Usual, Dip, Usual);
        AddSeries(first, "dip-lasting", "t-2", Usual, Usual, Dip, Dip, Dip, Dip);
        AddSeries(first, "low", "t-1", Dip, Dip, Dip, Dip);
        AddSeries(first, "dip-corrected", "t-2", Usual, Usual, Dip);

        var second = new List<SessionPut>();
        AddSeries(second, "dip-calibrated", "t-3", 56, 56, 56, 28);                                            // 4 new
        second.Add(new SessionPut("dip-corrected", 3, Ratings.Session(Usual, therapistId: "t-2")));           // correction: the dip goes
        second.Add(new SessionPut("dip-repaired", 4, Ratings.Session(Dip, therapistId: "t-1")));              // correction: no repair
        second.Add(new SessionPut("dip-repaired", 2, Ratings.Session(Usual, 12, therapistId: "t-1")));        // a PHQ-9 added
        second.Add(new SessionPut("low", 4, Ratings.Phq9Session(20)));                                          // the WAI-SR dropped
        second.Add(new SessionPut("dip-lasting", 6, Ratings.Session(Usual, therapistId: "t-9")));             // new form and therapist
        second.Add(new SessionPut("dip-repaired", 4, Ratings.Session(Dip, therapistId: "t-1")));              // repeat: unchanged
        second.Add(new SessionPut("dip-repaired", 4, Ratings.Session(Usual, therapistId: "t-1")));            // corrected back
        second.Add(new SessionPut("low", 4, Ratings.Phq9Session(20)));                                          // repeat: unchanged
        return (first, second);
    }

    private static void AddSeries(List<SessionPut> puts, string patient, string therapist, params int[] totals) =>
        puts.AddRange(totals.Select((total, i) => new SessionPut(patient, i + 1, Ratings.Session(total, therapistId: therapist))));
}
