using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Development;
using AllianceMonitor.CommandLine;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Hosting;

/// <summary>What runs once between building the host and serving: migrations, the admin key, the demo data.</summary>
public static class StartupTasks
{
    /// <returns>False, with the reason printed, when no database is configured and none can be started.</returns>
    public static async Task<bool> TryUseDevelopmentDatabaseAsync(this WebApplicationBuilder builder)
    {
        try
        {
            await builder.UseEmbeddedDatabaseIfUnconfiguredAsync();
            return true;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return false;
        }
    }

    /// <returns>False, with the reason printed, when the database's schema is behind this version.</returns>
    public static async Task<bool> PrepareAsync(this WebApplication app, bool seedDemo)
    {
        var embedded = EmbeddedDatabase.Running(app.Services);
        if (embedded is not null || app.Configuration.GetValue<bool>("Database:MigrateOnStartup"))
        {
            await CommandModes.MigrateAsync(app.Services);
        }
        else if (await PendingMigrationsAsync(app.Services) is [var first, ..] pending)
        {
            // Serving on an older schema would fail on the first query that meets a new column, request after request.
            await Console.Error.WriteLineAsync(
                $"The database's schema is behind this version: {pending.Count} migration(s) not applied, the first {first}. " +
                "Run the service's migrate command (`AllianceMonitor.Api migrate`) first, or set Database:MigrateOnStartup=true.");
            return false;
        }
        else
        {
            // Migrated by other means (the migrate command, a deployment job): what it left in clear is encrypted here.
            await SecretsAtRest.ProtectClearSecretsAsync(app.Services);
        }

        if (embedded is not null)
        {
            app.Lifetime.ApplicationStopped.Register(() => embedded.StopAsync().GetAwaiter().GetResult());
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await BootstrapAdminKey.EnsureAsync(
                scope.ServiceProvider.GetRequiredService<AllianceDbContext>(),
                app.Configuration["Bootstrap:AdminKey"],
                generateIfMissing: embedded is not null,
                Console.Out);
        }

        if (seedDemo)
        {
            // A first seeding of hundreds of patients takes a minute before the port opens: say how far it is.
            var patients = app.Configuration.GetValue("Demo:Patients", 30);
            using var progress = new ConsoleProgress(Console.Error, ProgressOptions.ForService());
            progress.Begin("seeding the demo clinic", "patients", patients);
            await DemoSeeder.SeedAsync(
                app.Services, Console.Out, app.Lifetime.ApplicationStopping,
                patients: patients,
                parallelism: app.Configuration.GetValue("Demo:Parallelism", 1),
                onPatientWritten: written =>
                {
                    progress.Advance(written);
                    if (written == patients)
                    {
                        progress.Begin("calibrating the rupture detector on the demo clinic");
                    }
                });
        }

        return true;
    }

    private static async Task<List<string>> PendingMigrationsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Database.GetPendingMigrationsAsync()).ToList();
    }
}
