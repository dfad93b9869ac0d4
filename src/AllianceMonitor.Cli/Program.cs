namespace AllianceMonitor.Cli;

public static class Program
{
    public const int BadInput = 2;

    private const string Usage =
        "usage: alliance-monitor analyze --input FILE.csv [--method reml|ml] [--model alliance_to_symptoms|symptoms_to_alliance|all]\n"
        + "       alliance-monitor simulate --patients N --seed S --out FILE.csv [--truth TRUTH.csv]\n"
        + "       alliance-monitor ruptures --input FILE.csv [--instrument wai-sr|srs] [--calibration data|default] [--k K]";

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs one command; on bad input writes one line to <paramref name="stderr"/> and nothing to <paramref name="stdout"/>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return args switch
            {
                ["analyze", .. var rest] => AnalyzeCommand.Run(rest, stdout),
                ["simulate", .. var rest] => SimulateCommand.Run(rest),
                ["ruptures", .. var rest] => RupturesCommand.Run(rest, stdout),
                _ => throw new InputException(Usage.Replace('\n', ' ')),
            };
        }
        catch (InputException e)
        {
            stderr.WriteLine(e.Message);
            return BadInput;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }
}
