using System.CommandLine;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using AllianceMonitor.CommandLine;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Hosting;

/// <summary>What the service's executable was asked to do.</summary>
public enum ServiceMode
{
    /// <summary>Serve HTTP (with <c>--seed-demo</c>, after filling the demo clinic).</summary>
    Serve,

    /// <summary>Apply the database migrations, then exit.</summary>
    Migrate,

    /// <summary>Nothing more: help, the version, the export SQL or a parse error was printed.</summary>
    Done,
}

/// <summary>
/// The service's command line, parsed by System.CommandLine with the same conventions as <c>alliance-monitor</c>
/// (help with examples, <c>--version</c>, exit 2 on a parse error in one line):
/// <list type="bullet">
/// <item><c>migrate</c>: applies the database migrations, then exits.</item>
/// <item><c>print-export-sql &lt;clinicId&gt;</c>: prints the export query with the clinic filled in, then exits.</item>
/// <item><c>--seed-demo</c>: serves as usual after filling a demo clinic (see <c>Development/DemoSeeder.cs</c>).</item>
/// </list>
/// Every other token (<c>--urls</c>, <c>--Database:MigrateOnStartup=true</c>, what the test host passes) is left to
/// the host's configuration, as before.
/// </summary>
public sealed record CommandModes(ServiceMode Mode, int ExitCode, bool SeedDemo, string[] HostArguments)
{
    private const string ExecutableName = "AllianceMonitor.Api";

    /// <summary>Parses; help, version, print-export-sql and parse errors are answered here and give <see cref="ServiceMode.Done"/>.</summary>
    public static CommandModes Parse(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var seedDemo = new Option<bool>("--seed-demo")
        {
            Description = "Before serving, fill \"Demo clinic\" with simulated patients (once) and print keys to try it with.",
        };
        var migrate = new Command("migrate", "Apply the database migrations to the configured database, then exit.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        var clinic = new Argument<Guid>("clinicId")
        {
            Description = "The clinic whose export query to print.",
            CustomParser = result => Guid.TryParse(result.Tokens.Single().Value, out var id)
                ? id
                : Fail(result, $"'{result.Tokens.Single().Value}' is not a clinic id (a UUID such as 0b5f...-...)."),
        };
        var printExportSql = new Command("print-export-sql", "Print the export's SQL query with the clinic filled in (for psql's COPY), then exit.")
        {
            clinic,
        };
        var root = new RootCommand("The AllianceMonitor service: serves the REST API and the dashboard unless a command is given.")
        {
            seedDemo, migrate, printExportSql,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.HelpName = ExecutableName;
        root.WithExamples(
            "dotnet run --project src/AllianceMonitor.Api -- --seed-demo",
            "dotnet AllianceMonitor.Api.dll migrate",
            "dotnet AllianceMonitor.Api.dll print-export-sql 3f2b8e0c-5d5a-4c8e-9d61-0a4f4c1b7e21");
        migrate.WithExamples("dotnet AllianceMonitor.Api.dll migrate --ConnectionStrings:AllianceDb=\"Host=db;Database=alliancemonitor\"");
        printExportSql.WithExamples("psql -c \"COPY ($(dotnet AllianceMonitor.Api.dll print-export-sql CLINIC)) TO STDOUT WITH CSV HEADER\"");
        root.ShowExamplesInHelp();
        root.ReportVersionOf(typeof(CommandModes).Assembly);

        // Help, --version and parse errors run no action of ours, so they leave the mode at Done.
        var mode = ServiceMode.Done;
        root.SetAction(_ => { mode = ServiceMode.Serve; return ExitCodes.Ok; });
        migrate.SetAction(_ => { mode = ServiceMode.Migrate; return ExitCodes.Ok; });
        printExportSql.SetAction(parsed =>
        {
            parsed.InvocationConfiguration.Output.WriteLine(ExportSql.Literal(parsed.GetRequiredValue(clinic)));
            return ExitCodes.Ok;
        });

        // A response file (@file) would be read by the parser; the host's arguments never mean that.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var code = CommandLineInvoker.Invoke(parsed, stdout, stderr);
        return new CommandModes(mode, code, parsed.GetValue(seedDemo), [.. parsed.UnmatchedTokens]);
    }

    /// <summary>Applies the migrations, then encrypts what earlier versions stored in clear (no SQL migration can).</summary>
    public static async Task MigrateAsync(IServiceProvider services)
    {
        await using (var scope = services.CreateAsyncScope())
        {
            // No command timeout: a migration that rewrites a table (MeasurementPatientCopies fills a column of every
            // rating) takes as long as the table needs, and the default 30 s would stop a large clinic's upgrade.
            var database = scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Database;
            database.SetCommandTimeout(0);
            await database.MigrateAsync();
        }

        await SecretsAtRest.ProtectClearSecretsAsync(services);
    }

    private static Guid Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return Guid.Empty;
    }
}
