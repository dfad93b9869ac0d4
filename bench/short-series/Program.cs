using System.Globalization;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

// Bias and 95% coverage of the lagged model's estimators (alliance_to_symptoms) on simulated clinics with known
// parameters: short (6-8) and long (20-30) series, weak (-0.02) and strong (-0.10) feedback of symptoms into alliance.
// Usage: ShortSeriesBench [SEEDS] [PATIENTS] [IMPROVEMENT_SD]   (defaults 100 400 0.2). IMPROVEMENT_SD is the between-patient
// SD of the per-session improvement: a patient-specific trend that none of the models has a term for (0 removes it).
// Simulator defaults otherwise, except a symptoms
// carry-over of 0.45 (the simulator's default is none) and an improvement of 0.15 PHQ-9 points per session (default 0.5),
// so that 30 sessions do not run patients into the PHQ-9 floor of 0, which would bias every estimator.
// ShortSeriesBench variants [SEEDS] [PATIENTS] [IMPROVEMENT_SD] [MIN_SESSIONS] [MAX_SESSIONS] [IMPROVEMENT] [SEED_BASE]
// (defaults 100 400 0.2 6 8 0.15 7000; seeds SEED_BASE + 1...): the initial-conditions specifications of Variants.cs.
// ShortSeriesBench joint [SEEDS] [PATIENTS] [MIN_SESSIONS] [MAX_SESSIONS] [SEED_BASE] [FEEDBACKS, comma-separated] [ONLY]
// (defaults 100 400 6 8 30000 0,-0.02,-0.10 all): the joint estimator (JointBench.cs) on SessionSimulator defaults.
// ShortSeriesBench joint-csv DIRECTORY [ONLY]: the same estimators on CSVs of another generator (independent.py).
if (args.Length > 0 && args[0] == "joint")
{
    string Arg(int i, string fallback) => args.Length > i ? args[i] : fallback;
    JointBench.Run(
        int.Parse(Arg(1, "100"), CultureInfo.InvariantCulture),
        int.Parse(Arg(2, "400"), CultureInfo.InvariantCulture),
        int.Parse(Arg(3, "6"), CultureInfo.InvariantCulture),
        int.Parse(Arg(4, "8"), CultureInfo.InvariantCulture),
        ulong.Parse(Arg(5, "30000"), CultureInfo.InvariantCulture),
        Arg(6, "0,-0.02,-0.10").Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray(),
        Arg(7, "all"));
    return;
}

// ShortSeriesBench joint-se SEEDS PATIENTS SEED_BASE FEEDBACKS | joint-se-csv DIRECTORY: the joint estimator's standard errors (JointSeBench.cs).
if (args.Length > 0 && args[0] == "joint-se")
{
    JointSeBench.Run(
        int.Parse(args[1], CultureInfo.InvariantCulture),
        int.Parse(args[2], CultureInfo.InvariantCulture),
        ulong.Parse(args[3], CultureInfo.InvariantCulture),
        args[4].Split(',').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray());
    return;
}

if (args.Length > 0 && args[0] == "joint-se-csv")
{
    JointSeBench.RunCsv(args[1]);
    return;
}

if (args.Length > 0 && args[0] == "joint-probe")
{
    var data = SessionSimulator.Simulate(400, 30001, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations;
    var design = JointDesign.Build(data, new JointModel(ModelCatalog.AllianceToSymptoms, OutcomeTrend: args[1] is "outcome" or "both", PredictorTrend: args[1] == "both", RandomPredictorSlope: args[1] == "slope"));
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var one = MixedModelFitter.Fit(design.Spec(design.StartScale()));
    Console.WriteLine($"one fit: {clock.Elapsed.TotalSeconds:0.00} s, {one.Optimization.Evaluations} evaluations, {one.Optimization.StopReason}, theta {string.Join(" ", one.Theta.Select(t => t.ToString("0.000", CultureInfo.InvariantCulture)))}");
    clock.Restart();
    var joint = JointFitter.Fit(design);
    Console.WriteLine($"joint: {clock.Elapsed.TotalSeconds:0.00} s, {joint.Evaluations} evaluations, scale {joint.Scale:0.000} (start {design.StartScale():0.000}), within {joint.Within.Estimate:0.000}");
    return;
}

if (args.Length > 0 && args[0] == "joint-csv")
{
    JointBench.RunCsv(args[1], args.Length > 2 ? args[2] : "all");
    return;
}

if (args.Length > 0 && args[0] == "variants")
{
    Variants.Run(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400,
        args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : new SimulationParameters().ImprovementSd,
        args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 6,
        args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 8,
        args.Length > 6 ? double.Parse(args[6], CultureInfo.InvariantCulture) : 0.15,
        args.Length > 7 ? ulong.Parse(args[7], CultureInfo.InvariantCulture) : 7000);
    return;
}

var seeds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
var patients = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 400;
var improvementSd = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : new SimulationParameters().ImprovementSd;
const double CarryOver = 0.45;
var question = ModelCatalog.AllianceToSymptoms;
var estimators = new (string Label, Func<IReadOnlyCollection<AllianceMonitor.Analysis.Data.SessionObservation>, (Estimate Within, Estimate Carry)> Fit)[]
{
    ("person-mean-centred", o => Mixed(new EstimatedModel(question, Estimator.PersonMeanCentred), o)),
    ("initial-conditions", o => Mixed(new EstimatedModel(question, Estimator.InitialConditions), o)),
    ("anderson-hsiao", o => Iv(question, o)),
};

Console.WriteLine(
    $"alliance_to_symptoms, REML; {seeds} seeds per cell, {patients} patients per dataset; true within effect -2.0, true carry-over {CarryOver}, "
    + $"improvement 0.15 per session with between-patient SD {improvementSd}");
Console.WriteLine("| series | feedback | estimator | within: bias | within: coverage | within: mean SE | carry-over: bias | carry-over: coverage | failed fits |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
foreach (var (label, min, max) in new[] { ("short 6-8", 6, 8), ("long 20-30", 20, 30) })
{
    foreach (var feedback in new[] { -0.02, -0.10 })
    {
        var parameters = new SimulationParameters(
            MinSessions: min, MaxSessions: max, SymptomsToAllianceEffect: feedback, SymptomsCarryOver: CarryOver,
            ImprovementPerSession: 0.15, ImprovementSd: improvementSd);
        var tallies = estimators.Select(_ => new Tally()).ToArray();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var data = SessionSimulator.Simulate(patients, (ulong)(7000 + seed), parameters).Observations;
            for (var e = 0; e < estimators.Length; e++)
            {
                try
                {
                    var (within, carry) = estimators[e].Fit(data);
                    tallies[e].Add(within, parameters.WithinEffect, carry, CarryOver);
                }
                catch (Exception ex) when (ex is InsufficientDataException or InvalidOperationException)
                {
                    tallies[e].Failed++;
                }
            }
        }

        for (var e = 0; e < estimators.Length; e++)
        {
            var t = tallies[e];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {label} | {feedback:0.00} | {estimators[e].Label} | {Signed(t.WithinBias)} | {t.WithinCoverage:P0} | {t.WithinSe:0.000} | {Signed(t.CarryBias)} | {t.CarryCoverage:P0} | {t.Failed} |"));
        }
    }
}

// Rounded first, so a bias that rounds to zero prints as +0.000, not with both signs.
static string Signed(double value) => Math.Round(value, 3).ToString("+0.000;-0.000;+0.000", CultureInfo.InvariantCulture);

static (Estimate, Estimate) Mixed(EstimatedModel model, IReadOnlyCollection<AllianceMonitor.Analysis.Data.SessionObservation> data)
{
    var fit = MixedModelFitter.Fit(model.Build(data));
    var within = fit.Fixed(model.WithinTerm);
    var carry = fit.Fixed(model.CarryOverTerm);
    return (new Estimate(within.Estimate, within.StdError, within.CiLow, within.CiHigh), new Estimate(carry.Estimate, carry.StdError, carry.CiLow, carry.CiHigh));
}

static (Estimate, Estimate) Iv(LaggedModelDefinition model, IReadOnlyCollection<AllianceMonitor.Analysis.Data.SessionObservation> data)
{
    var fit = AndersonHsiao.Fit(data, model);
    var within = fit.Single(f => f.Term == AndersonHsiao.WithinTerm(model));
    var carry = fit.Single(f => f.Term == AndersonHsiao.CarryOverTerm(model));
    return (new Estimate(within.Estimate, within.StdError, within.CiLow, within.CiHigh), new Estimate(carry.Estimate, carry.StdError, carry.CiLow, carry.CiHigh));
}

internal readonly record struct Estimate(double Value, double StdError, double CiLow, double CiHigh)
{
    public bool Covers(double truth) => CiLow <= truth && truth <= CiHigh;
}

internal sealed class Tally
{
    private readonly List<(double Within, double Carry, bool WithinCovered, bool CarryCovered, double Se)> _rows = [];

    public int Failed { get; set; }

    public double WithinBias => _rows.Average(r => r.Within);

    public double CarryBias => _rows.Average(r => r.Carry);

    public double WithinCoverage => _rows.Average(r => r.WithinCovered ? 1.0 : 0.0);

    public double CarryCoverage => _rows.Average(r => r.CarryCovered ? 1.0 : 0.0);

    public double WithinSe => _rows.Average(r => r.Se);

    public int Count => _rows.Count;

    /// <summary>The SD of the within estimates across datasets: what the mean SE should match.</summary>
    public double WithinSd
    {
        get
        {
            var mean = _rows.Average(r => r.Within);
            return Math.Sqrt(_rows.Sum(r => (r.Within - mean) * (r.Within - mean)) / Math.Max(1, _rows.Count - 1));
        }
    }

    public void Add(Estimate within, double withinTruth, Estimate carry, double carryTruth) =>
        _rows.Add((within.Value - withinTruth, carry.Value - carryTruth, within.Covers(withinTruth), carry.Covers(carryTruth), within.StdError));
}
