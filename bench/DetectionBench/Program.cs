using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Bench.Detection;

// Detection benchmark (issue 11): a grid of generating processes, plus clinics from an outside generator
// (bench/detection/generate_clinic.py). Each cell is replayed through ClinicReplay, the CLI's `ruptures --calibration data`
// path, and scored per episode against its own hindsight oracle and the fixed one-point rule.
// Usage: dotnet run -c Release --project bench/DetectionBench -- [--seeds eval|tune] [--budget B] [--k K]
//        [--only TEXT] [--outside NAME=RATINGS.csv:TRUTH.csv:SIGMA[;...] ...]
// Evaluation seeds: 1 + 1000 x cell + replicate; tuning seeds: 500001 + 1000 x cell + replicate (disjoint).
var options = Args.Parse(args);
var seedBase = options.Get("seeds", "eval") == "tune" ? 500_001 : 1;
var settings = DetectorSettings.Default;
if (options.Has("budget"))
{
    settings = settings with { FalseAlertBudget = options.Number("budget") };
}

if (options.Has("k"))
{
    settings = settings with { K = options.Number("k") };
}

var wai = InstrumentCatalog.Find("wai-sr")!;
var cells = Cells.Grid().Where(c => !options.Has("only") || c.Name.Contains(options.Get("only", ""), StringComparison.Ordinal)).ToList();
var results = new List<CellResult>();
for (var i = 0; i < cells.Count; i++)
{
    var cell = cells[i];
    var clinics = Enumerable.Range(0, cell.Clinics).Select(r => GridGenerator.Simulate(cell.Process, cell.Patients, seedBase + (1000 * i) + r));
    results.Add(Evaluate($"{cell.Name} ({cell.Clinics} x {cell.Patients})", clinics));
}

foreach (var outside in options.All("outside"))
{
    var (name, spec) = (outside[..outside.IndexOf('=')], outside[(outside.IndexOf('=') + 1)..]);
    // Several clinics may share a cell, separated by ';': each is calibrated on its own data, as the CLI would.
    var loaded = spec.Split(';').Select(c => c.Split(':'))
        .Select(parts => OutsideClinic.Load(parts[0], parts[1], double.Parse(parts[2], CultureInfo.InvariantCulture))).ToList();
    results.Add(Evaluate(name, loaded));
}

Console.WriteLine($"Detector: rule version {RuptureDetector.RuleVersion}, {Describe(settings)}; seeds: {(seedBase == 1 ? "evaluation" : "tuning")} (base {seedBase})");
Report.Print(results);

CellResult Evaluate(string name, IEnumerable<Clinic> clinics)
{
    var ours = new List<Score>();
    var fixedRule = new List<Score>();
    var oracle = Oracle.Thresholds.ToDictionary(c => c, _ => new List<Score>());
    var ceiling = 0;
    var ratings = 0;
    foreach (var clinic in clinics)
    {
        var rated = clinic.Observations.Where(o => o.Alliance.HasValue).ToList();
        ceiling += rated.Count(o => o.Alliance >= 5 - 1e-9);
        ratings += rated.Count;
        var (calibration, patients) = ClinicReplay.Run(wai, clinic.Observations, settings, calibrateOnData: true);
        if (options.Has("diagnose"))
        {
            var m = calibration.ModelOrFallback();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: noise sd {m.NoiseSd:0.000} phi {m.Phi:0.00} level {m.LevelMean:0.00}/{m.LevelSd:0.00} slope {m.SlopeMean:0.000}/{m.SlopeSd:0.000} null {m.NullCenter:0.00}/{m.NullScale:0.00} judged {m.JudgedShare:0.00}"));
        }

        var alerts = patients.SelectMany(p => p.Alerts.Where(a => a.Kind == AlertKind.Rupture).Select(a => (p.PatientId, a.Session)));
        ours.Add(Score.Of(alerts, clinic.Dips, clinic.Episodes, rated.Count));
        fixedRule.Add(Score.Of(Oracle.FixedRule(rated), clinic.Dips, clinic.Episodes, rated.Count));
        foreach (var c in Oracle.Thresholds)
        {
            oracle[c].Add(Score.Of(Oracle.Alerts(clinic, rated, c), clinic.Dips, clinic.Episodes, rated.Count));
        }
    }

    var best = oracle.Select(kv => (C: kv.Key, Score: Score.Sum(kv.Value))).MaxBy(x => x.Score.F1);
    return new CellResult(name, Score.Sum(ours), best.Score, best.C, Score.Sum(fixedRule), ceiling / (double)ratings);
}

static string Describe(DetectorSettings s) => s.K is { } k
    ? string.Create(CultureInfo.InvariantCulture, $"K = {k} set by hand")
    : string.Create(CultureInfo.InvariantCulture, $"false-alert budget {s.FalseAlertBudget} per 100 sessions");
