using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

public sealed class SimulateCommandTests
{
    [Fact]
    public void Simulate_writes_data_and_truth_that_read_back_as_the_simulated_values()
    {
        var output = Path.Combine(Path.GetTempPath(), $"am-sim-{Guid.NewGuid():N}.csv");
        var truth = Path.Combine(Path.GetTempPath(), $"am-truth-{Guid.NewGuid():N}.csv");
        try
        {
            var result = CliRunner.Run("simulate", "--patients", "120", "--seed", "9", "--out", output, "--truth", truth);

            Assert.Equal(0, result.ExitCode);
            var expected = SessionSimulator.Simulate(120, 9);
            using (var reader = new StreamReader(output))
            {
                Assert.Equal(expected.Observations, CsvObservationReader.Read(reader, output));
            }

            var truthRecords = CsvText.FileRecords(truth);
            Assert.Equal(["patient_id", "session"], truthRecords[0]);
            Assert.Equal(expected.Ruptures.Select(r => $"{r.PatientId},{r.Session}"), truthRecords.Skip(1).Select(r => string.Join(',', r)));
            Assert.NotEmpty(expected.Ruptures);
        }
        finally
        {
            File.Delete(output);
            File.Delete(truth);
        }
    }

    [Fact]
    public void Simulate_without_patients_is_rejected()
    {
        var result = CliRunner.Run("simulate", "--seed", "1", "--out", "x.csv");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--patients", result.Stderr, StringComparison.Ordinal);
    }
}
