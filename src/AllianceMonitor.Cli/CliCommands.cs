using System.CommandLine;
using AllianceMonitor.CommandLine;

namespace AllianceMonitor.Cli;

/// <summary>The command tree of <c>alliance-monitor</c>, with the options every command shares.</summary>
public static class CliCommands
{
    public static RootCommand Create(ProgressOptions progress)
    {
        var quiet = new Option<bool>("--quiet", "-q")
        {
            Description = "Print no progress on stderr (it is off anyway when stderr is not a terminal).",
            Recursive = true,
        };
        var context = new CliContext(progress, quiet);
        var root = new RootCommand(
            "Offline analysis of session ratings: fit the lagged alliance/symptom models, replay the rupture detector, "
            + "simulate clinics. Results go to stdout; progress and errors to stderr. Exit codes: 0 ok, 2 bad input "
            + "(arguments or the input file; one line on stderr names the row and column), 1 failure (a file could not "
            + "be read or written).")
        {
            quiet,
            AnalyzeCommand.Create(context),
            RupturesCommand.Create(context),
            SimulateCommand.Create(context),
        };
        // The name in usage lines and error hints, also when the commands run inside another process (the tests).
        root.HelpName = "alliance-monitor";
        root.WithExamples(
            "alliance-monitor simulate --patients 300 --seed 7 --out clinic.csv --truth truth.csv",
            "alliance-monitor analyze --input clinic.csv > report.json",
            "alliance-monitor ruptures --input clinic.csv > alerts.csv",
            "alliance-monitor analyze --help");
        root.ShowExamplesInHelp();
        root.ReportVersionOf(typeof(CliCommands).Assembly);
        return root;
    }
}

/// <summary>What the command actions need besides their own options.</summary>
public sealed record CliContext(ProgressOptions Progress, Option<bool> Quiet)
{
    /// <summary>The progress line for this run: on for a terminal unless <c>--quiet</c> was given.</summary>
    public ConsoleProgress StartProgress(ParseResult parsed) =>
        new(parsed.InvocationConfiguration.Error, parsed.GetValue(Quiet) ? ProgressOptions.Off : Progress);
}
