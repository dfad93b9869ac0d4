using System.Diagnostics;
using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

/// <summary>
/// The joint (bivariate dynamic random-effects) estimator against the shipped initial-conditions one, on SessionSimulator
/// clinics (<see cref="Run"/>) or on CSV files from another generator (<see cref="RunCsv"/>).
/// </summary>
internal static class JointBench
{
    private static readonly (string Label, Func<IReadOnlyList<SessionObservation>, (Estimate Within, Estimate Carry)> Fit)[] Estimators =
    [
        ("initial-conditions (shipped)", o => Shipped(o)),
        ("joint: intercepts only", o => Joint(o, new JointModel(ModelCatalog.AllianceToSymptoms, RandomPredictorSlope: false))),
        ("joint: intercepts + symptoms session slope", o => Joint(o, new JointModel(ModelCatalog.AllianceToSymptoms, OutcomeTrend: true, RandomPredictorSlope: false))),
        ("joint: intercepts + both session slopes", o => Joint(o, new JointModel(ModelCatalog.AllianceToSymptoms, OutcomeTrend: true, PredictorTrend: true, RandomPredictorSlope: false))),
        ("joint: intercepts + random slope of alliance", o => Joint(o, new JointModel(ModelCatalog.AllianceToSymptoms))),
        ("joint: + random slope of alliance + symptoms session slope", o => Joint(o, new JointModel(ModelCatalog.AllianceToSymptoms, OutcomeTrend: true))),
    ];

    public static void Run(int seeds, int patients, int minSessions, int maxSessions, ulong seedBase, double[] feedbacks, string only)
    {
        var defaults = new SimulationParameters();
        Console.WriteLine(
            $"alliance_to_symptoms, REML; SessionSimulator defaults (improvement {defaults.ImprovementPerSession}, SD {defaults.ImprovementSd}) with carry-over 0.45, "
            + $"{minSessions}-{maxSessions} sessions; {seeds} seeds ({seedBase + 1}-{seedBase + (ulong)seeds}), {patients} patients; true within {defaults.WithinEffect}");
        Header();
        foreach (var feedback in feedbacks)
        {
            var parameters = new SimulationParameters(
                MinSessions: minSessions, MaxSessions: maxSessions, SymptomsToAllianceEffect: feedback, SymptomsCarryOver: 0.45);
            Report(
                feedback.ToString("0.00", CultureInfo.InvariantCulture),
                Enumerable.Range(1, seeds).Select(s => (IReadOnlyList<SessionObservation>)SessionSimulator.Simulate(patients, seedBase + (ulong)s, parameters).Observations),
                parameters.WithinEffect,
                0.45,
                only);
        }
    }

    /// <summary>Every CSV in <paramref name="directory"/> (patient_id,session,alliance,symptoms), with the truth in truth.csv (within,carry_over).</summary>
    public static void RunCsv(string directory, string only)
    {
        var truth = File.ReadAllLines(Path.Combine(directory, "truth.csv"))[1].Split(',');
        var within = double.Parse(truth[0], CultureInfo.InvariantCulture);
        var carry = double.Parse(truth[1], CultureInfo.InvariantCulture);
        var files = Directory.GetFiles(directory, "seed_*.csv").Order(StringComparer.Ordinal).ToArray();
        Console.WriteLine($"{directory}: {files.Length} datasets; true within {within}, carry-over {carry}");
        Header();
        Report(Path.GetFileName(directory), files.Select(f => (IReadOnlyList<SessionObservation>)Read(f)), within, carry, only);
    }

    internal static List<SessionObservation> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var (p, s, a, y) = (Column("patient_id"), Column("session"), Column("alliance"), Column("symptoms"));
        static double? Value(string cell) => cell.Length == 0 ? null : double.Parse(cell, CultureInfo.InvariantCulture);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(c => new SessionObservation(c[p], null, int.Parse(c[s], CultureInfo.InvariantCulture), Value(c[a]), Value(c[y])))
            .ToList();
    }

    private static void Header()
    {
        Console.WriteLine("| data | estimator | within: bias | within: coverage | within: mean SE | within: SD of estimates | carry-over: bias | carry-over: coverage | failed | seconds per fit |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
    }

    private static void Report(string label, IEnumerable<IReadOnlyList<SessionObservation>> datasets, double within, double carry, string only)
    {
        var chosen = Estimators.Where(e => only == "all" || e.Label.Contains(only, StringComparison.Ordinal) || e.Label.StartsWith("initial", StringComparison.Ordinal)).ToArray();
        var tallies = chosen.Select(_ => new Tally()).ToArray();
        var seconds = new double[chosen.Length];
        var list = datasets.ToList();
        var results = new (Estimate Within, Estimate Carry, double Seconds)?[list.Count, chosen.Length];

        // Two datasets at a time: each fit is single-threaded at this size, and the machine has two cores.
        Parallel.For(0, list.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, d =>
        {
            for (var e = 0; e < chosen.Length; e++)
            {
                var clock = Stopwatch.StartNew();
                try
                {
                    var (w, c) = chosen[e].Fit(list[d]);
                    results[d, e] = (w, c, clock.Elapsed.TotalSeconds);
                    Log(label, chosen[e].Label, d, w, c);
                }
                catch (Exception ex) when (ex is InsufficientDataException or InvalidOperationException)
                {
                    results[d, e] = null;
                }
            }
        });

        for (var d = 0; d < list.Count; d++)
        {
            for (var e = 0; e < chosen.Length; e++)
            {
                if (results[d, e] is { } r)
                {
                    tallies[e].Add(r.Within, within, r.Carry, carry);
                    seconds[e] += r.Seconds;
                }
                else
                {
                    tallies[e].Failed++;
                }
            }
        }

        for (var e = 0; e < chosen.Length; e++)
        {
            var t = tallies[e];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {label} | {chosen[e].Label} | {Signed(t.WithinBias)} | {t.WithinCoverage:P0} | {t.WithinSe:0.000} | {t.WithinSd:0.000} | {Signed(t.CarryBias)} | {t.CarryCoverage:P0} | {t.Failed} | {seconds[e] / Math.Max(1, t.Count + t.Failed):0.00} |"));
        }
    }

    private static readonly Lock LogGate = new();

    /// <summary>With JOINT_LOG set, every estimate is appended there as it is made, so a run stopped early still tells its seeds.</summary>
    private static void Log(string label, string estimator, int dataset, Estimate within, Estimate carry)
    {
        if (Environment.GetEnvironmentVariable("JOINT_LOG") is { Length: > 0 } path)
        {
            lock (LogGate)
            {
                File.AppendAllText(path, string.Create(
                    CultureInfo.InvariantCulture,
                    $"{label},{estimator},{dataset + 1},{within.Value:R},{within.StdError:R},{within.CiLow:R},{within.CiHigh:R},{carry.Value:R},{carry.CiLow:R},{carry.CiHigh:R}\n"));
            }
        }
    }

    private static string Signed(double value) => Math.Round(value, 3).ToString("+0.000;-0.000;+0.000", CultureInfo.InvariantCulture);

    private static (Estimate, Estimate) Shipped(IReadOnlyList<SessionObservation> data)
    {
        var model = new EstimatedModel(ModelCatalog.AllianceToSymptoms, Estimator.InitialConditions);
        var fit = MixedModelFitter.Fit(model.Build(data));
        return (Of(fit.Fixed(model.WithinTerm)), Of(fit.Fixed(model.CarryOverTerm)));
    }

    private static (Estimate, Estimate) Joint(IReadOnlyList<SessionObservation> data, JointModel model)
    {
        var fit = JointFitter.Fit(JointDesign.Build(data, model));
        return (Of(fit.Within), Of(fit.CarryOver));
    }

    private static Estimate Of(FixedEffect f) => new(f.Estimate, f.StdError, f.CiLow, f.CiHigh);
}
