using System.Net.Http.Json;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>
/// The refit's read pins PostgreSQL to merge joins over the covering indexes for a clinic that is a large share of the
/// database (issue 15). The plan must not change what is read, and a small clinic keeps the planner's own choice.
/// </summary>
public sealed class RefitReadPlanTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_read_with_merge_joins_pinned_equals_the_read_the_planner_chooses()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var simulated = SessionSimulator.Simulate(40, 21UL).Observations.Where(o => o.Alliance.HasValue).ToList();
        foreach (var (o, i) in simulated.Select((o, i) => (o, i)))
        {
            int? symptoms = i % 7 == 0 ? null : (int)Math.Clamp(Math.Round(o.Symptoms ?? 10), 0, 27);
            var body = Ratings.Session((int)Math.Round(o.Alliance!.Value * 12), symptoms);
            (await ingest.PutAsJsonAsync($"/api/v1/patients/{o.PatientId}/sessions/{o.Session}", body)).EnsureSuccessStatusCode();
        }

        // Corrections: superseded revisions stay out of the read whichever index serves it.
        foreach (var o in simulated.Where((_, i) => i % 17 == 0))
        {
            (await ingest.PutAsJsonAsync($"/api/v1/patients/{o.PatientId}/sessions/{o.Session}", Ratings.Session(30, 20))).EnsureSuccessStatusCode();
        }

        var (pinned, pinnedSettings) = await ReadAsync(tenant.ClinicId, pinMergeJoins: true);
        var (planners, plannersSettings) = await ReadAsync(tenant.ClinicId, pinMergeJoins: false);
        var (byRule, ruleSettings) = await ReadAsync(tenant.ClinicId, pinMergeJoins: null);

        Assert.Equal("off off", pinnedSettings);
        Assert.Equal("on on", plannersSettings);
        Assert.Equal("on on", ruleSettings); // 40 patients: far below the size the merge plan is pinned for
        Assert.Equal("phq-9", planners.SymptomInstrument);
        Assert.NotEmpty(planners.Series);
        foreach (var read in new[] { pinned, byRule })
        {
            Assert.Equal(planners.SymptomInstrument, read.SymptomInstrument);
            Assert.Equal(planners.Series.Count, read.Series.Count);
            foreach (var (expected, actual) in planners.Series.Zip(read.Series))
            {
                Assert.Equal((expected.Instrument, expected.Rater), (actual.Instrument, actual.Rater));
                Assert.Equal(expected.Ratings.Ratings, actual.Ratings.Ratings);
                Assert.Equal(expected.Ratings.Observations(planners.SymptomInstrument), actual.Ratings.Observations(read.SymptomInstrument));
            }
        }
    }

    /// <summary>The read in a transaction of its own, as the refit's, with the join settings it left for that transaction.</summary>
    private async Task<(ClinicRatings Ratings, string Settings)> ReadAsync(Guid clinicId, bool? pinMergeJoins)
    {
        await using var db = factory.NewDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var ratings = await ClinicSeriesReader.ReadAsync(db, clinicId, pinMergeJoins, CancellationToken.None);
        var settings = await db.Database
            .SqlQueryRaw<string>("SELECT current_setting('enable_hashjoin') || ' ' || current_setting('enable_nestloop') AS \"Value\"")
            .SingleAsync();
        await transaction.RollbackAsync();
        return (ratings, settings);
    }
}
