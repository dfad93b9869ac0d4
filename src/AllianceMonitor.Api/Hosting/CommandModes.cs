using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Hosting;

/// <summary>
/// The service's executable also answers a few one-off commands instead of serving. They are parsed here, out of
/// Program.cs; the CLI is where they belong in the long run.
/// <list type="bullet">
/// <item><c>print-export-sql &lt;clinicId&gt;</c>: prints the export query with the clinic filled in, then exits.</item>
/// <item><c>migrate</c>: applies the database migrations, then exits.</item>
/// <item><c>--seed-demo</c>: serves as usual after filling a demo clinic (see <c>Development/DemoSeeder.cs</c>).</item>
/// </list>
/// </summary>
public static class CommandModes
{
    private const string SeedDemoFlag = "--seed-demo";

    /// <returns>An exit code when the arguments name a command that needs no host; null to go on.</returns>
    public static int? RunWithoutHost(string[] args)
    {
        if (args is ["print-export-sql", var clinic] && Guid.TryParse(clinic, out var clinicId))
        {
            Console.WriteLine(ExportSql.Literal(clinicId));
            return 0;
        }

        return null;
    }

    /// <summary>The arguments for the host's configuration: <c>--seed-demo</c> is ours, and the command-line provider would read it as a key.</summary>
    public static string[] HostArguments(string[] args) => [.. args.Where(a => a != SeedDemoFlag)];

    public static bool SeedsDemo(string[] args) => args.Contains(SeedDemoFlag);

    /// <returns>An exit code when the arguments name a command that runs on the built host; null to serve.</returns>
    public static async Task<int?> RunOnHostAsync(WebApplication app, string[] args)
    {
        if (args.Contains("migrate"))
        {
            await MigrateAsync(app.Services);
            return 0;
        }

        return null;
    }

    /// <summary>Applies the migrations, then encrypts what earlier versions stored in clear (no SQL migration can).</summary>
    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Database.MigrateAsync();
        }

        await SecretsAtRest.ProtectClearSecretsAsync(services);
    }
}
