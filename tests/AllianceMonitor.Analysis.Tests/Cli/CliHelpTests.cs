using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary>Help, version and parse errors, with the documented exit codes (0 ok, 2 bad input, 1 failure).</summary>
public sealed class CliHelpTests
{
    public static TheoryData<string[], string> HelpRequests => new()
    {
        { ["--help"], "Commands:" },
        { ["-h"], "Commands:" },
        { ["help"], "Commands:" },
        { ["analyze", "--help"], "--method <reml|ml>" },
        { ["analyze", "-h"], "--model <name>" },
        { ["help", "analyze"], "--method <reml|ml>" },
        { ["ruptures", "--help"], "--calibration <data|default>" },
        { ["simulate", "--help"], "--patients <N>" },
    };

    [Theory]
    [MemberData(nameof(HelpRequests))]
    public void Help_of_the_root_and_of_every_command_exits_0_with_usage_and_examples(string[] args, string expected)
    {
        var result = CliRunner.Run(args);

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Stderr));
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Examples:\n  alliance-monitor ", result.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_command_has_help_with_examples()
    {
        var root = CliCommands.Create(AllianceMonitor.CommandLine.ProgressOptions.Off);
        Assert.Equal(["analyze", "ruptures", "simulate"], root.Subcommands.Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var command in root.Subcommands)
        {
            var result = CliRunner.Run(command.Name, "--help");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"alliance-monitor {command.Name} ", result.Stdout[result.Stdout.IndexOf("Examples:", StringComparison.Ordinal)..], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Root_help_documents_the_exit_codes()
    {
        var result = CliRunner.Run("--help");

        Assert.Contains("0 ok, 2 bad input", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 failure", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_assembly_version_and_exits_0()
    {
        var result = CliRunner.Run("--version");

        Assert.Equal(0, result.ExitCode);
        var version = typeof(Program).Assembly.GetName().Version!;
        Assert.StartsWith($"{version.Major}.{version.Minor}.{version.Build}", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "analyze", "--input", "x.csv", "--bogus", "1" }, "--bogus", "alliance-monitor analyze --help")]
    [InlineData(new[] { "ruptures" }, "--input", "alliance-monitor ruptures --help")]
    [InlineData(new[] { "frobnicate" }, "frobnicate", "alliance-monitor --help")]
    [InlineData(new string[0], "Required command was not provided", "alliance-monitor --help")]
    public void A_parse_error_is_one_line_pointing_at_the_help_and_exits_2(string[] args, string named, string helpHint)
    {
        var result = CliRunner.Run(args);

        Assert.Equal((2, string.Empty), (result.ExitCode, result.Stdout));
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
        Assert.Contains(helpHint, result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void An_output_that_cannot_be_written_is_a_failure_exit_1()
    {
        var missingDirectory = Path.Combine(Path.GetTempPath(), $"am-missing-{Guid.NewGuid():N}", "out.csv");

        var result = CliRunner.Run("simulate", "--patients", "3", "--seed", "1", "--out", missingDirectory);

        Assert.Equal((1, string.Empty), (result.ExitCode, result.Stdout));
        Assert.StartsWith("error: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_file_is_bad_input_exit_2()
    {
        var result = CliRunner.Run("analyze", "--input", Path.Combine(Path.GetTempPath(), $"am-none-{Guid.NewGuid():N}.csv"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("file not found", result.Stderr, StringComparison.Ordinal);
    }
}
