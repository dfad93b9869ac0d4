using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Data.Embedded;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace AllianceMonitor.Api.Tests.Faults;

/// <summary>
/// The database stopped under a steady write load and started again: clients get 503 problem+json with Retry-After
/// meanwhile, the service recovers by itself, and every write it acknowledged is there afterwards. The cluster is this
/// class's own, so stopping it cannot disturb any other test.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "alliancemonitor-fault-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalPostgresCluster _cluster = null!;
    private string _binDir = "";

    public async Task InitializeAsync()
    {
        _binDir = PostgresBinaries.Find() ?? throw new InvalidOperationException("The fault test needs the PostgreSQL server binaries.");
        _cluster = await LocalPostgresCluster.StartAsync(_root, _binDir);
        await _cluster.EnsureDatabaseAsync("fault");
        await using var db = TestDatabaseServer.Context(_cluster.ConnectionString("fault"));
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await _cluster.StopAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Writes_during_an_outage_get_503_and_every_acknowledged_write_survives_the_restart()
    {
        await using var factory = ApiFactory.OnDatabase(_cluster.ConnectionString("fault"));
        var tenant = await Tenant.CreateAsync(factory);
        using var ingest = factory.CreateDefaultClient();
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Ingest);

        var acknowledged = new ConcurrentBag<(string Patient, int Session)>();
        var unavailable = 0;
        var other = new ConcurrentQueue<string>();
        var phase = "before";
        using var stop = new CancellationTokenSource();

        async Task WriterAsync(int writer)
        {
            for (var session = 1; !stop.IsCancellationRequested; session++)
            {
                var patient = $"w{writer}";
                using var response = await ingest.PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{session}", Ratings.Session(40 + (session % 20)));
                var body = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    acknowledged.Add((patient, session));
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable
                    && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && response.Headers.RetryAfter?.Delta == TimeSpan.FromSeconds(5))
                {
                    Interlocked.Increment(ref unavailable);
                    await Task.Delay(50);
                }
                else
                {
                    other.Enqueue($"{phase}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {body}");
                }
            }
        }

        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(() => WriterAsync(w))).ToArray();
        var warmUp = Stopwatch.StartNew();
        while (acknowledged.Count < 10 && warmUp.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        var beforeOutage = acknowledged.Count;

        phase = "outage";
        await _cluster.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        using var ready = await factory.CreateDefaultClient().GetAsync("/health/ready");
        var readiness = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        var duringOutage = acknowledged.Count;

        phase = "recovery";
        await StartAgainAsync();
        var recovery = Stopwatch.StartNew();
        while (acknowledged.Count == duringOutage && recovery.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100);
        }

        var recoveredAfter = recovery.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        output.WriteLine($"{acknowledged.Count} writes acknowledged ({beforeOutage} before the outage), {unavailable} answered 503; " +
            $"first write acknowledged {recoveredAfter.TotalSeconds:F1} s after the restart");
        Assert.Empty(other);
        Assert.True(beforeOutage > 0, "no write succeeded before the outage");
        Assert.True(unavailable > 0, "no write met the outage");
        Assert.True(acknowledged.Count > duringOutage, "the service did not recover without a restart");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", (string?)readiness["status"]);
        Assert.Contains(readiness["checks"]!.AsArray(), c => (string?)c!["name"] == "database" && (string?)c["status"] == "Unhealthy");

        await using var db = TestDatabaseServer.Context(_cluster.ConnectionString("fault"));
        var stored = (await (from s in db.Sessions join p in db.Patients on s.PatientId equals p.Id select new { p.ExternalId, s.Number }).ToListAsync())
            .Select(s => (s.ExternalId, s.Number)).ToHashSet();
        Assert.All(acknowledged, a => Assert.Contains(a, stored));

        // One line for the outage, not one per failed request: nothing else reached Error but the readiness probe's own
        // report of its failed check.
        var errors = factory.ServerErrors.Errors.Where(e => !e.Contains("Health check database", StringComparison.Ordinal)).ToList();
        Assert.Equal(["Database unreachable"], errors.Select(e => e.Contains("Database unreachable", StringComparison.Ordinal) ? "Database unreachable" : e));
    }

    /// <summary>Starts the stopped cluster on its old port, as a restarted database server would come back.</summary>
    private async Task StartAgainAsync()
    {
        var pgCtl = Path.Combine(_binDir, "pg_ctl");
        string[] arguments = ["start", "-D", Path.Combine(_root, "pgdata"), "-w", "-t", "60", "-l", Path.Combine(_root, "pgdata", "log", "restart.log"), "-o", $"-p {_cluster.Port}"];
        var start = Environment.IsPrivilegedProcess ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. arguments]) : new ProcessStartInfo(pgCtl, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
    }
}
