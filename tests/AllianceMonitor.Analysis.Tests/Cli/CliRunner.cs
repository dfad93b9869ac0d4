using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);

internal static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Writes a CSV to a fresh temporary file and returns its path.</summary>
    public static string TempCsv(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"am-test-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }
}
