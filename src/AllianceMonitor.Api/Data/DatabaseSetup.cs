using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace AllianceMonitor.Api.Data;

/// <summary>Where the database is, and the one connection pool every path uses.</summary>
public static class DatabaseSetup
{
    public const string ConnectionName = "AllianceDb";

    /// <summary>
    /// One <see cref="NpgsqlDataSource"/> (one pool) for the whole service: EF Core opens its connections from it,
    /// and the raw SQL paths (export, summary) take it from DI. The connection string is read when it is first
    /// needed, so a development database started before the host is built is found.
    /// </summary>
    public static IServiceCollection AddAllianceDatabase(this IServiceCollection services)
    {
        services.AddSingleton(provider =>
        {
            var connectionString = provider.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionName)
                ?? throw new InvalidOperationException($"No connection string '{ConnectionName}' is configured.");
            // Dynamic JSON: the jsonb columns hold plain objects (subscales, detector settings), which EF maps itself
            // when it owns the pool, and which a data source given to EF must be told about.
            return new NpgsqlDataSourceBuilder(WithAutoPrepare(connectionString)).EnableDynamicJson().Build();
        });
        // Pooled: a new context per request built its options (this lambda, the extensions' lookup of EF's internal
        // service provider) and its internal services anew, about 6% of a session PUT's CPU (profiled 2026-12-03); a
        // pooled one is reset (tracked entities, transaction, connection, settings) when its request ends and reused.
        // Everything the context depends on is a singleton (the data source, the interceptors), as pooling requires.
        return services.AddDbContextPool<AllianceDbContext>((provider, options) => Configure(options, provider.GetRequiredService<NpgsqlDataSource>()));
    }

    /// <summary>
    /// Statements run often (the session PUT's read batch, the saves, the key lookup) are prepared on each pooled
    /// connection after their second use, so PostgreSQL parses and plans them once per connection instead of on every
    /// request; for these short statements planning costs more than running them. Npgsql keeps a connection's prepared
    /// statements when it returns to the pool: its reset then leaves out the DISCARD ALL that would drop them
    /// (<c>DatabaseSetupTests</c> checks that they survive). A connection string that sets Max Auto Prepare keeps its own values.
    /// Nor is a connection reset on its way back to the pool: the reset is seven statements (CLOSE ALL, UNLISTEN *, RESET ALL
    /// and others) that PostgreSQL parses and runs before the next request's first command, and nothing here leaves session
    /// state behind to reset: transactions end before a connection returns, advisory locks are transaction-scoped, and the
    /// key-change listener (the one LISTEN) owns a connection outside the pool.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = MaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }

        builder.NoResetOnClose = true;

        return builder.ConnectionString;
    }

    /// <summary>Per connection: room for every statement the hot paths run, well under the server's memory for plans.</summary>
    public const int MaxAutoPrepare = 100;

    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        Tune(options.UseNpgsql(dataSource, History));

    /// <summary>For tools and tests that reach a database by its connection string, outside the service.</summary>
    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        Tune(options.UseNpgsql(connectionString, History));

    private static void History(Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable("__ef_migrations_history");

    /// <summary>
    /// Researchers query the database with psql and R; snake_case names (tables, columns, keys, indexes) spare them
    /// quoting every identifier. Names set explicitly in a configuration are kept.
    /// </summary>
    private static void Tune(DbContextOptionsBuilder options) =>
        options.UseSnakeCaseNamingConvention()
            .ReplaceService<IHistoryRepository, MigrationHistoryTable>()
            .ConfigureWarnings(w => w.DemoteFailureLogs());

    /// <summary>
    /// EF Core would log every failed command and connection at Error with its stack trace, once per request during an
    /// outage. The exception still reaches the exception handler, which logs anything that is not an outage, so EF
    /// Core's own lines are kept at Debug.
    /// </summary>
    private static WarningsConfigurationBuilder DemoteFailureLogs(this WarningsConfigurationBuilder warnings) => warnings.Log(
        (RelationalEventId.CommandError, LogLevel.Debug),
        (RelationalEventId.ConnectionError, LogLevel.Debug),
        (RelationalEventId.TransactionError, LogLevel.Debug),
        (CoreEventId.SaveChangesFailed, LogLevel.Debug),
        (CoreEventId.QueryIterationFailed, LogLevel.Debug));
}
