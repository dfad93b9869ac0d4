using AllianceMonitor.Api.Data.Embedded;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AllianceMonitor.Api.Data;

/// <summary>Where the database is, and starting the embedded default when none is configured.</summary>
public static class DatabaseSetup
{
    public const string ConnectionName = "AllianceDb";
    public const string EmbeddedDatabaseName = "alliancemonitor";

    /// <summary>
    /// With no connection string configured, starts (or reuses) the project-local cluster and points the
    /// service at it. Returns null when a connection string was configured.
    /// </summary>
    /// <exception cref="InvalidOperationException">No connection string and no PostgreSQL binaries.</exception>
    public static async Task<LocalPostgresCluster?> UseEmbeddedDefaultIfUnconfiguredAsync(WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionName)))
        {
            return null;
        }

        var binDir = PostgresBinaries.Find(builder.Configuration["Database:PostgresBinDir"])
            ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        var root = builder.Configuration["Database:EmbeddedDataPath"]
            ?? Path.Combine(builder.Environment.ContentRootPath, ".data", "postgres");

        var cluster = await LocalPostgresCluster.StartAsync(Path.GetFullPath(root), binDir);
        await cluster.EnsureDatabaseAsync(EmbeddedDatabaseName);
        builder.Configuration[$"ConnectionStrings:{ConnectionName}"] = cluster.ConnectionString(EmbeddedDatabaseName);
        Console.WriteLine($"Embedded PostgreSQL at 127.0.0.1:{cluster.Port} (data in {root}).");
        return cluster;
    }

    public static IServiceCollection AddAllianceDatabase(this IServiceCollection services, IConfiguration configuration) =>
        services.AddDbContext<AllianceDbContext>(options => Configure(options, configuration.GetConnectionString(ConnectionName)!));

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            // Migrations are hand-written SQL (the EF design-time package is not available to this project), so
            // there is no model snapshot to compare with; the schema-drift test compares the migrated schema
            // with the model instead.
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning).DemoteFailureLogs());
}
