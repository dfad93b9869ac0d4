using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Bench.Detection;

// Detection benchmark (issue 11): a grid of generating processes, plus clinics from an outside generator
// (bench/detection/generate_clinic.py). Each cell is replayed through ClinicReplay, the CLI's `ruptures --calibration data`
// path, and scored per episode against its own hindsight oracle and the fixed one-point rule.
// Usage: dotnet run -c Release --project bench/DetectionBench -- [--seeds eval|tune] [--budget B] [--k K]
//        [--only TEXT[,TEXT...]] [--null 1] [--diagnose 1] [--true-model raw|null[,fitted-noise|phi|slope]] [--lookback 1]
//        [--outside NAME=RATINGS.csv:TRUTH.csv:SIGMA[:TRUE-PARAMETERS][;...] ...]
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
// A cell keeps its place in the whole grid, so --only runs it on the very seeds of a full run.
var only = options.Has("only") ? options.Get("only", "").Split(',') : null;
var cells = Cells.Grid().Select((cell, index) => (Cell: cell, Index: index))
    .Where(c => only is null || only.Any(o => c.Cell.Name.Contains(o, StringComparison.Ordinal))).ToList();
var results = new List<CellResult>();
var lookbacks = new List<(CellResult Cell, List<(LookBackVariant Variant, LookBack Bound)> Bounds)>();
foreach (var (cell, index) in cells)
{
    // --null 1: the same cells without ruptures, to measure the false-alert rate against the budget.
    var process = options.Has("null") ? cell.Process with { RuptureRate = 0 } : cell.Process;
    var clinics = Enumerable.Range(0, cell.Clinics).Select(r => GridGenerator.Simulate(process, cell.Patients, seedBase + (1000 * index) + r));
    results.Add(Evaluate($"{cell.Name} ({cell.Clinics} x {cell.Patients})", clinics, process, process));
}

foreach (var outside in options.All("outside").Where(o => only is null || only.Any(n => o[..o.IndexOf('=')].Contains(n, StringComparison.Ordinal))))
{
    var (name, spec) = (outside[..outside.IndexOf('=')], outside[(outside.IndexOf('=') + 1)..]);
    // Several clinics may share a cell, separated by ';': each is calibrated on its own data, as the CLI would.
    var loaded = spec.Split(';').Select(c => c.Split(':'))
        .Select(parts => OutsideClinic.Load(parts[0], parts[1], double.Parse(parts[2], CultureInfo.InvariantCulture))).ToList();
    // The optional fourth part: the generator's own parameters, for --lookback only (--true-model stays on the grid).
    var truth = spec.Split(';')[0].Split(':') is { Length: > 3 } first ? LookBackReport.Process(first[3], double.Parse(first[2], CultureInfo.InvariantCulture)) : null;
    results.Add(Evaluate(name, loaded, truth: truth));
}

Console.WriteLine($"Detector: rule version {RuptureDetector.RuleVersion}, {Describe(settings)}; seeds: {(seedBase == 1 ? "evaluation" : "tuning")} (base {seedBase})");
Report.Print(results);
if (options.Has("lookback"))
{
    LookBackReport.Print(lookbacks, settings.FalseAlertBudget);
}

CellResult Evaluate(string name, IEnumerable<Clinic> clinics, GridProcess? process = null, GridProcess? truth = null)
{
    var bounds = options.Has("lookback") ? LookBackReport.Variants(wai, truth is not null) : [];
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
        if (options.Has("true-model") && process is not null)
        {
            patients = TrueModel.Replay(options.Get("true-model", ""), process, clinic, wai, calibration, settings);
        }

        if (options.Has("diagnose"))
        {
            var m = calibration.ModelOrFallback();
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: noise sd {m.NoiseSd:0.000} phi {m.Phi:0.00} level {m.LevelMean:0.00}/{m.LevelSd:0.00} slope {m.SlopeMean:0.000}/{m.SlopeSd:0.000} null {m.NullCenter:0.00}/{m.NullScale:0.00} judged {m.JudgedShare:0.00}"));
        }

        foreach (var (variant, bound) in bounds)
        {
            var model = variant.TrueModel ? TrueModel.Model("raw", truth!, calibration.ModelOrFallback()) : calibration.ModelOrFallback();
            bound.Add(clinic, model, Thresholds.For(settings, model));
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
    if (options.Has("diagnose"))
    {
        // The oracle held to the detector's budget: its best threshold among those with at most that many false alerts per 100 sessions.
        var held = oracle.Select(kv => (C: kv.Key, Score: Score.Sum(kv.Value))).Where(x => x.Score.FalsePer100Sessions <= settings.FalseAlertBudget).MaxBy(x => x.Score.F1);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: oracle at <= {settings.FalseAlertBudget} false alerts per 100: F1 {held.Score.F1:0.000} ({held.C:0.00}, {held.Score.FalsePer100Sessions:0.00}); ours / that {Score.Sum(ours).F1 / held.Score.F1:0.00}; best oracle false alerts {best.Score.FalsePer100Sessions:0.00}"));
    }

    var result = new CellResult(name, Score.Sum(ours), best.Score, best.C, Score.Sum(fixedRule), ceiling / (double)ratings);
    if (bounds.Count > 0)
    {
        lookbacks.Add((result, bounds));
    }

    return result;
}

static string Describe(DetectorSettings s) => s.K is { } k
    ? string.Create(CultureInfo.InvariantCulture, $"K = {k} set by hand")
    : string.Create(CultureInfo.InvariantCulture, $"false-alert budget {s.FalseAlertBudget} per 100 sessions");
