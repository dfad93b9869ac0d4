using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Hosting;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>The service's own command line: one System.CommandLine parser for migrate, print-export-sql and --seed-demo.</summary>
public sealed class CommandModesTests
{
    [Fact]
    public void No_command_serves_and_passes_every_host_argument_through()
    {
        var (modes, stdout, stderr) = Parse("--urls", "http://127.0.0.1:5080", "--environment=Development", "--Database:MigrateOnStartup=true");

        Assert.Equal((ServiceMode.Serve, 0, false), (modes.Mode, modes.ExitCode, modes.SeedDemo));
        Assert.Equal(["--urls", "http://127.0.0.1:5080", "--environment=Development", "--Database:MigrateOnStartup=true"], modes.HostArguments);
        Assert.Equal((string.Empty, string.Empty), (stdout, stderr));
    }

    [Fact]
    public void Seed_demo_serves_and_is_not_passed_to_the_host()
    {
        var (modes, _, _) = Parse("--seed-demo", "--urls", "http://127.0.0.1:5080");

        Assert.Equal((ServiceMode.Serve, true), (modes.Mode, modes.SeedDemo));
        Assert.Equal(["--urls", "http://127.0.0.1:5080"], modes.HostArguments);
    }

    [Fact]
    public void Migrate_keeps_the_configuration_arguments_for_the_host()
    {
        var (modes, _, _) = Parse("migrate", "--ConnectionStrings:AllianceDb=Host=db");

        Assert.Equal((ServiceMode.Migrate, 0), (modes.Mode, modes.ExitCode));
        Assert.Equal(["--ConnectionStrings:AllianceDb=Host=db"], modes.HostArguments);
    }

    [Fact]
    public void Print_export_sql_prints_the_query_for_the_clinic_and_exits_0()
    {
        var clinic = Guid.NewGuid();

        var (modes, stdout, stderr) = Parse("print-export-sql", clinic.ToString());

        Assert.Equal((ServiceMode.Done, 0, string.Empty), (modes.Mode, modes.ExitCode, stderr));
        Assert.Equal(ExportSql.Literal(clinic) + Environment.NewLine, stdout);
    }

    [Theory]
    [InlineData(new[] { "print-export-sql", "clinic-7" }, "'clinic-7' is not a clinic id")]
    [InlineData(new[] { "print-export-sql" }, "clinicId")]
    public void A_bad_command_line_is_one_line_on_stderr_and_exits_2(string[] args, string message)
    {
        var (modes, stdout, stderr) = Parse(args);

        Assert.Equal((ServiceMode.Done, 2, string.Empty), (modes.Mode, modes.ExitCode, stdout));
        Assert.Contains(message, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_lists_the_modes_with_examples_and_exits_without_serving(string help)
    {
        var (modes, stdout, _) = Parse(help);

        Assert.Equal((ServiceMode.Done, 0), (modes.Mode, modes.ExitCode));
        Assert.Contains("migrate", stdout, StringComparison.Ordinal);
        Assert.Contains("print-export-sql <clinicId>", stdout, StringComparison.Ordinal);
        Assert.Contains("--seed-demo", stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:", stdout, StringComparison.Ordinal);
    }

    private static (CommandModes Modes, string Stdout, string Stderr) Parse(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var modes = CommandModes.Parse(args, stdout, stderr);
        return (modes, stdout.ToString(), stderr.ToString());
    }
}
