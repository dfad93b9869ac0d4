using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using BenchmarkDotNet.Attributes;

namespace AllianceMonitor.Bench.DetectorLatency;

/// <summary>
/// Issue 15: the PUT of session 100 of a patient, judged by replaying all 100 sessions (what every PUT did before, and
/// what a correction still does) against judging session 100 from the state stored after session 99, as the live path
/// does it: read the state's JSON, check its fingerprint, resume, write the new state's JSON. Same reference as
/// <see cref="DetectionStep"/> (order the 100 sessions), so the ratios compare across the two.
/// </summary>
[MemoryDiagnoser]
public class IncrementalStep
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private List<RatedSession> _history = [];
    private Calibration _calibration = null!;
    private string _stateAfter99 = "";

    [GlobalSetup]
    public void Setup()
    {
        // The same patient as DetectionStep: 100 sessions, level 4.3, a slow trend, AR(1) noise, two dips, some 5s.
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
        var start = DetectorState.Start(WaiSr, _calibration, DetectorSettings.Default);
        _stateAfter99 = RuptureDetector.Resume(start, _history.Take(99), WaiSr, _calibration, DetectorSettings.Default).State.ToJson();
    }

    [Benchmark(Baseline = true, Description = "reference: order 100 sessions")]
    public int Reference() => _history.OrderBy(h => h.Session).Count();

    [Benchmark(Description = "session 100 by replaying 100 sessions, new state written")]
    public int Replay()
    {
        var start = DetectorState.Start(WaiSr, _calibration, DetectorSettings.Default);
        var (run, state) = RuptureDetector.Resume(start, _history, WaiSr, _calibration, DetectorSettings.Default);
        return run.Alerts.Count + state.ToJson().Length;
    }

    [Benchmark(Description = "session 100 from the stored state: read, check, resume, write")]
    public int Resume()
    {
        var stored = DetectorState.FromJson(_stateAfter99);
        if (!stored.IsFor(WaiSr, _calibration, DetectorSettings.Default))
        {
            throw new InvalidOperationException("The stored state does not match.");
        }

        var (run, state) = RuptureDetector.Resume(stored, _history.Skip(99), WaiSr, _calibration, DetectorSettings.Default);
        return run.Alerts.Count + state.ToJson().Length;
    }
}
