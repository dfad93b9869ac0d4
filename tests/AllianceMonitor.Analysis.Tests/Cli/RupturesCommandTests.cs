using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

public sealed class RupturesCommandTests
{
    private const string Header = "patient_id,therapist_id,session,alliance,symptoms\n";

    [Fact]
    public void Replay_prints_each_alert_of_the_detector_with_default_calibration()
    {
        var path = CliRunner.TempCsv(Header
            + "a,,1,4.5,10\na,,2,4.5,9\na,,3,4.5,9\na,,4,3.5,12\na,,5,4.5,8\n"
            + "b,,2,4.0,10\nb,,1,4.1,10\n");
        try
        {
            var result = CliRunner.Run("ruptures", "--input", path, "--calibration", "default");

            Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
            var records = CsvText.Records(result.Stdout);
            Assert.Equal(RupturesCommand.Header, string.Join(',', records[0]));
            var row = Assert.Single(records.Skip(1));
            Assert.Equal(["a", "4", "rupture", "1", "3.5"], row[..5]);

            // The same numbers the detector gives for this history.
            var expected = Assert.Single(RuptureDetector.Replay(
                [new(1, 4.5), new(2, 4.5), new(3, 4.5), new(4, 3.5), new(5, 4.5)],
                InstrumentCatalog.Find("wai-sr")!, Calibration.Default(InstrumentCatalog.Find("wai-sr")!), DetectorSettings.Default));
            Assert.Equal(expected.Evidence.Baseline, double.Parse(row[5], CultureInfo.InvariantCulture));
            Assert.Equal(expected.Evidence.DropInSds, double.Parse(row[6], CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Data_calibration_finds_most_injected_ruptures_in_simulated_data()
    {
        var data = SessionSimulator.Simulate(600, 21);
        var path = Path.Combine(Path.GetTempPath(), $"am-rup-{Guid.NewGuid():N}.csv");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                CsvWriters.WriteObservations(writer, data.Observations);
            }

            var result = CliRunner.Run("ruptures", "--input", path);

            Assert.Equal(0, result.ExitCode);
            var ruptures = CsvText.Records(result.Stdout).Skip(1).Where(f => f[2] == "rupture")
                .Select(f => (f[0], int.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
            var truth = data.Ruptures.Select(r => (r.PatientId, r.Session)).ToHashSet();
            var episodes = data.Ruptures.Select(r => r.PatientId).Distinct().Count();
            var found = ruptures.Where(truth.Contains).Select(r => r.Item1).Distinct().Count();

            // Dips of 2.5-3.5 SDs against the default 2.8 prediction SDs (or two sessions at 2.25): about half or more
            // of the injected episodes are found. Precision and false alarms are measured by the detection benchmark.
            Assert.InRange(found / (double)episodes, 0.45, 1.0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--instrument", "phq-9", "not an alliance instrument")]
    [InlineData("--calibration", "guess", "not data or default")]
    [InlineData("--k", "-1", "positive number")]
    public void Bad_options_exit_2_with_one_line(string option, string value, string message)
    {
        var path = CliRunner.TempCsv(Header + "a,,1,4.5,10\n");
        try
        {
            var result = CliRunner.Run("ruptures", "--input", path, option, value);
            Assert.Equal((2, ""), (result.ExitCode, result.Stdout));
            Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
