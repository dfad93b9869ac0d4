using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using BenchmarkDotNet.Attributes;

namespace AllianceMonitor.Bench.DetectorLatency;

/// <summary>
/// The live path replays the patient's whole series through the detector after each session write. The reference is
/// the cheapest thing that step must do anyway (order the 100 sessions), so the ratio is stable across machines.
/// </summary>
[MemoryDiagnoser]
public class DetectionStep
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private List<RatedSession> _history = [];
    private Calibration _calibration = null!;

    [GlobalSetup]
    public void Setup()
    {
        // A patient with 100 sessions: level 4.3, a slow upward trend, AR(1) noise, two dips and some ratings at 5.
        var random = new Random(42);
        var u = 0.0;
        _history = Enumerable.Range(1, 100).Select(t =>
        {
            u = (0.3 * u) + (0.24 * (random.NextDouble() - 0.5) * 3.4);
            var dip = t is 30 or 31 or 70 ? 0.8 : 0;
            return new RatedSession(t, Math.Clamp(Math.Round((4.3 + (0.004 * t) + u - dip) * 12) / 12, 1, 5));
        }).ToList();
        var model = new PredictionModel(PredictionModel.RobustMethod, 0.25, 0.3, 4.2, 0.45, 0.01, 0.02, 0.02, 1.0, 0.75);
        _calibration = new Calibration("wai-sr", 3, false, 4.2, 0.2, 0.25, 3.5, 300, 3600, Model: model);
    }

    [Benchmark(Baseline = true, Description = "reference: order 100 sessions")]
    public int Reference() => _history.OrderBy(h => h.Session).Count();

    [Benchmark(Description = "detector v3: replay 100 sessions")]
    public int Replay() => RuptureDetector.Replay(_history, WaiSr, _calibration, DetectorSettings.Default).Count;
}
