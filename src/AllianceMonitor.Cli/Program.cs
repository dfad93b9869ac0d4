using AllianceMonitor.CommandLine;
using CsvHelper;

namespace AllianceMonitor.Cli;

/// <summary>
/// <c>alliance-monitor</c>: System.CommandLine parses the arguments and writes help, <c>--version</c> and parse errors;
/// each command's action does its work. Exit codes: <see cref="ExitCodes"/> (0 ok, 2 bad input, 1 failure).
/// </summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, ProgressOptions.ForConsole(quiet: false));

    /// <summary>Runs one command with progress off (as when stderr is not a terminal).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, ProgressOptions.Off);

    /// <summary>Runs one command; on bad input writes one line to <paramref name="stderr"/> and nothing to <paramref name="stdout"/>.</summary>
    /// <param name="progress">How progress would be shown; <c>--quiet</c> turns it off.</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, ProgressOptions progress)
    {
        // "alliance-monitor help analyze" is what many tools accept; it means "analyze --help".
        if (args is ["help", .. var topic])
        {
            args = [.. topic, "--help"];
        }

        var parsed = CliCommands.Create(progress).Parse(args);
        try
        {
            return CommandLineInvoker.Invoke(parsed, stdout, stderr);
        }
        catch (InputException e)
        {
            stderr.WriteLine(e.Message);
            return ExitCodes.BadInput;
        }
        catch (CsvFormatException e)
        {
            stderr.WriteLine($"error: the CSV cannot be read: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
