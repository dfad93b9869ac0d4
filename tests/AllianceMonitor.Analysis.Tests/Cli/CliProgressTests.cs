using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;
using AllianceMonitor.CommandLine;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary>Progress goes to stderr only, when stderr is a terminal and --quiet is not given.</summary>
public sealed class CliProgressTests
{
    // A terminal that reports at once, so a test need not run for 2 s to see the line.
    private static readonly ProgressOptions ImmediateTerminal = new(true, TimeSpan.Zero, TimeSpan.FromMilliseconds(5), Terminal: true);

    [Fact]
    public void On_a_terminal_ruptures_reports_reading_and_replay_on_stderr_and_stdout_stays_clean_csv()
    {
        var path = SimulatedClinic(200);
        try
        {
            var (code, stdout, stderr) = Run(ImmediateTerminal, "ruptures", "--input", path);

            Assert.Equal(0, code);
            Assert.Contains("replaying the detector: 200 of 200 patients (100%)", stderr, StringComparison.Ordinal);
            Assert.EndsWith("\n", stderr, StringComparison.Ordinal);
            Assert.All(CsvText.Records(stdout), r => Assert.Equal(7, r.Length));
            Assert.DoesNotContain("replaying", stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--quiet")]
    [InlineData("-q")]
    public void Quiet_turns_progress_off(string quiet)
    {
        var path = SimulatedClinic(50);
        try
        {
            var (code, _, stderr) = Run(ImmediateTerminal, "ruptures", "--input", path, quiet);

            Assert.Equal((0, string.Empty), (code, stderr));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Work_shorter_than_the_delay_prints_nothing()
    {
        using var stderr = new StringWriter();
        using (var progress = new ConsoleProgress(stderr, ImmediateTerminal with { Delay = TimeSpan.FromMinutes(5) }))
        {
            progress.Begin("reading", "rows");
            progress.Advance(10);
            Thread.Sleep(30);
            Assert.False(progress.HasDrawn);
        }

        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public void Without_a_terminal_each_report_is_a_whole_line()
    {
        using var stderr = new StringWriter();
        using (var progress = new ConsoleProgress(stderr, ImmediateTerminal with { Terminal = false }))
        {
            progress.Begin("seeding", "patients", 4);
            progress.Advance(4);
        }

        var last = stderr.ToString().TrimEnd('\n').Split('\n')[^1];
        Assert.StartsWith("seeding: 4 of 4 patients (100%), ", last, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', stderr.ToString());
    }

    private static (int Code, string Stdout, string Stderr) Run(ProgressOptions progress, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Program.Run(args, stdout, stderr, progress);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string SimulatedClinic(int patients)
    {
        var path = Path.Combine(Path.GetTempPath(), $"am-progress-{Guid.NewGuid():N}.csv");
        using var writer = new StreamWriter(path);
        CsvWriters.WriteObservations(writer, SessionSimulator.Simulate(patients, 5).Observations);
        return path;
    }
}
