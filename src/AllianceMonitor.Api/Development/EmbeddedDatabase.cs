using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Development;

/// <summary>
/// For a first run on a laptop: with no connection string configured, the service starts (or reuses) a
/// project-local PostgreSQL cluster, points itself at it, migrates it and generates an admin key.
/// </summary>
public static class EmbeddedDatabase
{
    public const string DatabaseName = "alliancemonitor";

    /// <summary>
    /// With no connection string configured, starts the project-local cluster, points the service at it and
    /// registers it (so startup migrates it and shutdown stops it). Does nothing when a connection string is configured.
    /// </summary>
    /// <exception cref="InvalidOperationException">No connection string and no PostgreSQL binaries.</exception>
    public static async Task UseEmbeddedDatabaseIfUnconfiguredAsync(this WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(DatabaseSetup.ConnectionName)))
        {
            return;
        }

        var binDir = PostgresBinaries.Find(builder.Configuration["Database:PostgresBinDir"])
            ?? throw new InvalidOperationException(PostgresBinaries.InstallHint);
        var root = builder.Configuration["Database:EmbeddedDataPath"]
            ?? Path.Combine(builder.Environment.ContentRootPath, ".data", "postgres");

        var cluster = await LocalPostgresCluster.StartAsync(Path.GetFullPath(root), binDir);
        await cluster.EnsureDatabaseAsync(DatabaseName);
        builder.Configuration[$"ConnectionStrings:{DatabaseSetup.ConnectionName}"] = cluster.ConnectionString(DatabaseName);
        builder.Services.AddSingleton(cluster);
        Console.WriteLine($"Embedded PostgreSQL at 127.0.0.1:{cluster.Port} (data in {root}).");
    }

    /// <summary>The cluster this process started, if any.</summary>
    public static LocalPostgresCluster? Running(IServiceProvider services) => services.GetService<LocalPostgresCluster>();
}
