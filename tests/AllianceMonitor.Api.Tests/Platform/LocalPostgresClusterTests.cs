using System.Net;
using System.Net.Sockets;
using AllianceMonitor.Api.Development;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>The embedded default: a second start reuses the data of the first, and a port taken meanwhile is given up.</summary>
public sealed class LocalPostgresClusterTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "alliancemonitor-cluster-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task A_restarted_cluster_keeps_its_data_and_a_running_one_is_reused()
    {
        var binDir = PostgresBinaries.Find() ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);

        var first = await LocalPostgresCluster.StartAsync(_root, binDir);
        await first.EnsureDatabaseAsync("kept");
        await ExecuteAsync(first.ConnectionString("kept"), "CREATE TABLE t (v int); INSERT INTO t VALUES (42);");

        var alongside = await LocalPostgresCluster.StartAsync(_root, binDir);
        Assert.Equal(first.Port, alongside.Port);
        await alongside.StopAsync();
        Assert.Equal(42, await ScalarAsync(first.ConnectionString("kept"), "SELECT v FROM t"));

        await first.StopAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ScalarAsync(first.ConnectionString("kept"), "SELECT 1"));

        await using var second = await LocalPostgresCluster.StartAsync(_root, binDir);
        Assert.Equal(42, await ScalarAsync(second.ConnectionString("kept"), "SELECT v FROM t"));
    }

    [Fact]
    public async Task A_port_taken_between_its_choice_and_the_start_is_given_up_for_another()
    {
        var binDir = PostgresBinaries.Find() ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenPort = ((IPEndPoint)taken.LocalEndpoint).Port;
        var chosen = new List<int>();

        await using var cluster = await LocalPostgresCluster.StartAsync(_root, binDir, () =>
        {
            chosen.Add(chosen.Count == 0 ? takenPort : FreePort());
            return chosen[^1];
        });

        Assert.Equal(2, chosen.Count);
        Assert.Equal(chosen[1], cluster.Port);
        await cluster.EnsureDatabaseAsync("started");
        Assert.Equal(1, await ScalarAsync(cluster.ConnectionString("started"), "SELECT 1"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString) { };
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
