using System.CommandLine;
using System.CommandLine.Invocation;

namespace AllianceMonitor.CommandLine;

/// <summary>
/// Runs a parsed command line the same way for the CLI and for the service's modes: help and <c>--version</c> exit 0,
/// a parse error is one line on stderr with a pointer to the help and exits 2, and exceptions reach the caller (which
/// knows which of them are bad input) instead of System.CommandLine's default handler.
/// </summary>
public static class CommandLineInvoker
{
    public static InvocationConfiguration Configuration(TextWriter stdout, TextWriter stderr) => new()
    {
        Output = stdout,
        Error = stderr,
        EnableDefaultExceptionHandler = false,

        // No Ctrl+C interception: an interrupted run stops at once, as a Unix tool does.
        ProcessTerminationTimeout = null,
    };

    /// <returns>The exit code: the action's, 0 for help and version, <see cref="ExitCodes.BadInput"/> for a parse error.</returns>
    public static int Invoke(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        if (parsed.Action is ParseErrorAction)
        {
            stderr.WriteLine(DescribeErrors(parsed));
            return ExitCodes.BadInput;
        }

        return parsed.Invoke(Configuration(stdout, stderr));
    }

    /// <summary>Every parse error on one line, and where to read the usage.</summary>
    public static string DescribeErrors(ParseResult parsed)
    {
        var path = new List<string>();
        for (var result = parsed.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            path.Insert(0, result.Command is RootCommand root ? root.HelpName ?? RootCommand.ExecutableName : result.Command.Name);
        }

        var errors = string.Join(" ", parsed.Errors.Select(e => e.Message.TrimEnd('.') + "."));
        return $"{errors} See '{string.Join(' ', path)} --help'.";
    }
}
