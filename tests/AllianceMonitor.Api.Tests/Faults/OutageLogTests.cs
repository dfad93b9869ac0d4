using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Npgsql;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Faults;

/// <summary>One "Database unreachable" line per outage, even for requests that report their failure after the recovery.</summary>
public sealed class OutageLogTests
{
    [Fact]
    public async Task A_failure_reported_just_after_the_recovery_belongs_to_the_outage_that_ended()
    {
        var clock = new ManualClock();
        var errors = new ServerErrorLog();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(errors));
        // The database is reachable, so the probe's first attempt, a second after the first report, finds it back.
        await using var dataSource = NpgsqlDataSource.Create(await TestDatabaseServer.CreateEmptyDatabaseAsync());
        var outage = new DatabaseOutage(dataSource, clock, loggers.CreateLogger<DatabaseOutage>());
        var refused = new NpgsqlException("Failed to connect");

        outage.Report(refused);
        Assert.True(outage.IsOngoing);
        await WaitUntilAsync(() => !outage.IsOngoing, "the probe found the database back");

        // A request that failed while the database was away, reporting at the moment of the recovery.
        outage.Report(refused);
        Assert.False(outage.IsOngoing);
        Assert.Single(errors.Errors, e => e.Contains("Database unreachable", StringComparison.Ordinal));

        // A probe interval later a failure is a new outage, logged again.
        clock.Now += TimeSpan.FromSeconds(1);
        outage.Report(refused);
        Assert.True(outage.IsOngoing);
        Assert.Equal(2, errors.Errors.Count(e => e.Contains("Database unreachable", StringComparison.Ordinal)));
    }
}
