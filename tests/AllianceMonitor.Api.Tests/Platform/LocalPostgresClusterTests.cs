using AllianceMonitor.Api.Development;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>The embedded default: a second start reuses the data of the first.</summary>
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
