using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Tests.Ruptures;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary>The CLI's replay of a whole clinic and the live path (one replay per arriving session) raise the same alerts.</summary>
public sealed class RupturesLivePathTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;

    [Fact]
    public void Session_by_session_replays_raise_exactly_the_alerts_the_cli_prints()
    {
        var data = TestClinic.Simulate(300, 31, dipShare: 0.4, dipSds: 3.2, grandMean: 4.4);
        var path = Path.Combine(Path.GetTempPath(), $"am-live-{Guid.NewGuid():N}.csv");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                CsvWriters.WriteObservations(writer, data);
            }

            var result = CliRunner.Run("ruptures", "--input", path);
            Assert.Equal((0, ""), (result.ExitCode, result.Stderr));
            var printed = CsvText.Records(result.Stdout).Skip(1).Select(r => string.Join(',', r)).ToList();

            // The live service: the clinic's calibration, and after each new session a replay of the history so far; an
            // alert is created at the session that raised it (with that evidence) and only its tracking moves on later.
            var calibration = Calibration.FromRatings(WaiSr, data, version: 1, DetectorSettings.Default);
            var live = new List<string>();
            foreach (var patient in data.GroupBy(o => o.PatientId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var history = patient.Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList();
                var raised = new List<(AlertKind, int, AlertEvidence)>();
                for (var t = 1; t <= history.Count; t++)
                {
                    var session = history[t - 1].Session;
                    raised.AddRange(RuptureDetector.Replay(history.Take(t).ToList(), WaiSr, calibration, DetectorSettings.Default)
                        .Where(a => a.Session == session).Select(a => (a.Kind, a.Session, a.Evidence)));
                }

                var final = RuptureDetector.Replay(history, WaiSr, calibration, DetectorSettings.Default);
                Assert.Equal(final.Select(a => (a.Kind, a.Session, a.Evidence)), raised);
                live.AddRange(final.Select(a => string.Create(CultureInfo.InvariantCulture,
                    $"{patient.Key},{a.Session},{a.Kind.StoredName()},{a.Severity},{a.Evidence.Observed:R},{a.Evidence.Baseline:R},{a.Evidence.DropInSds:R}")));
            }

            Assert.Equal(live, printed);
            Assert.True(printed.Count(l => l.Contains(",rupture,", StringComparison.Ordinal)) > 30, "the data should raise ruptures");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
