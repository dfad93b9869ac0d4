using System.Globalization;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Development;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL server the integration tests run against, one per test run. A throwaway cluster from the
/// machine's PostgreSQL binaries, else the server named by <c>ALLIANCEMONITOR_TEST_DB</c>. Each test class gets a
/// fresh database cloned from a template migrated once, so no test sees another's data.
/// </summary>
/// <remarks>
/// Testcontainers would come first where a Docker engine answers, but its Docker client packages are not in this
/// project's package mirror, so that rung is left out rather than faked.
/// </remarks>
public static class TestDatabaseServer
{
    public const string EnvironmentVariable = "ALLIANCEMONITOR_TEST_DB";
    private const string TemplateName = "alliancemonitor_template";

    private static readonly Lazy<Task<Server>> Instance = new(StartAsync);

    public static string Description => Instance.Value.GetAwaiter().GetResult().Description;

    /// <returns>A connection string to a new, migrated, empty database.</returns>
    public static Task<string> CreateDatabaseAsync() => CreateAsync("test_", TemplateName);

    /// <returns>A connection string to a new database with no schema at all.</returns>
    public static Task<string> CreateEmptyDatabaseAsync() => CreateAsync("empty_", template: null);

    public static AllianceDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        DatabaseSetup.Configure(options, connectionString);
        return new AllianceDbContext(options.Options);
    }

    private static async Task<string> CreateAsync(string prefix, string? template)
    {
        var server = await Instance.Value;
        var name = prefix + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"" + (template is null ? "" : $" TEMPLATE \"{template}\""));
        return server.ConnectionString(name);
    }

    private static async Task ExecuteAsync(Server server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Server> StartAsync()
    {
        var server = await StartLocalClusterAsync() ?? FromEnvironment()
            ?? throw new InvalidOperationException(
                $"No PostgreSQL for the integration tests: install the server binaries (apt-get install postgresql) " +
                $"or set {EnvironmentVariable} to a connection string of a user that may create databases.");

        await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{TemplateName}\"");
        await ExecuteAsync(server, $"CREATE DATABASE \"{TemplateName}\"");
        await using (var db = Context(server.ConnectionString(TemplateName)))
        {
            await db.Database.MigrateAsync();
        }

        // A template must have no open connections when it is cloned.
        NpgsqlConnection.ClearAllPools();
        return server;
    }

    private static async Task<Server?> StartLocalClusterAsync()
    {
        var binDir = PostgresBinaries.Find();
        if (binDir is null)
        {
            return null;
        }

        RemoveAbandonedClusters();
        var root = Path.Combine(Path.GetTempPath(), ClusterPrefix + Guid.NewGuid().ToString("N")[..8]);
        var cluster = await LocalPostgresCluster.StartAsync(root, binDir);
        StartReaper(root, binDir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.StopAsync().GetAwaiter().GetResult();
        return new Server(cluster.ConnectionString, $"throwaway cluster on port {cluster.Port} ({binDir})");
    }

    private const string ClusterPrefix = "alliancemonitor-tests-";

    /// <summary>
    /// Starts a process outside the test host's tree (<c>setsid -f</c>) that, once the test host has gone, stops the
    /// server if it still runs and deletes the cluster's folder. Deleting it in the exit handler did not finish: the test
    /// platform ends the test host within moments of the last test, and a 1.5 GB folder takes longer to delete.
    /// </summary>
    private static void StartReaper(string root, string binDir)
    {
        const string Script =
            """
            exec </dev/null >/dev/null 2>&1
            while kill -0 "$1" 2>/dev/null; do sleep 1; done
            if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$3" stop -D "$2/pgdata" -m fast -w; else "$3" stop -D "$2/pgdata" -m fast -w; fi
            rm -rf "$2"
            """;
        var startInfo = new System.Diagnostics.ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "-f", "sh", "-c", Script, "alliancemonitor-tests-reaper", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), root, Path.Combine(binDir, "pg_ctl") })
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            using var setsid = System.Diagnostics.Process.Start(startInfo);
            setsid?.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No setsid on this machine: the folder stays, and a later run's RemoveAbandonedClusters deletes it.
        }
    }

    /// <summary>
    /// Removes the clusters of earlier runs that nothing runs on any more, where a reaper could not (a machine restarted
    /// mid-run; before the reaper, 151 folders, 73 GB, had filled the disk on 2026-12-03). A folder is left alone while
    /// its server is running, and for its first hour, so a run starting beside this one (still in initdb, no server yet)
    /// keeps its cluster.
    /// </summary>
    private static void RemoveAbandonedClusters()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), ClusterPrefix + "*"))
        {
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < TimeSpan.FromHours(1) || ServerRunsIn(folder))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another run removing it too, or a file in use: the next run tries again.
            }
        }
    }

    /// <summary>Whether the postmaster named in the cluster's pid file is a live process.</summary>
    private static bool ServerRunsIn(string folder)
    {
        var pidFile = Path.Combine(folder, "pgdata", "postmaster.pid");
        try
        {
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid))
            {
                return false;
            }

            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            // No such process (ArgumentException), or a pid file we may not read: treat an unreadable one as running.
            return e is not ArgumentException;
        }
    }

    private static Server? FromEnvironment()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        return new Server(
            database => new NpgsqlConnectionStringBuilder(configured) { Database = database }.ConnectionString,
            $"{EnvironmentVariable}");
    }

    private sealed record Server(Func<string, string> ConnectionString, string Description);
}
