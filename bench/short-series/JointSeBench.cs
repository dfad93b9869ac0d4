using System.Diagnostics;
using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

/// <summary>
/// The joint estimator's within effect and carry-over with five standard errors from the same fit: the model-based one
/// (lme4's vcov), the cluster-robust CR1 and CR2 sandwiches (<see cref="JointClusterRobust"/>), the inverse of the full
/// observed information and the full M-estimation sandwich (<see cref="JointInformation"/>). Coverage of each 95%
/// Wald interval, normal quantile.
/// </summary>
internal static class JointSeBench
{
    private static readonly string[] Kinds = ["model", "CR1", "CR2", "full information", "full sandwich"];

    private sealed record Result(double Within, double[] WithinSe, double Carry, double[] CarrySe, double Seconds);

    public static void Run(int seeds, int patients, ulong seedBase, double[] feedbacks)
    {
        foreach (var feedback in feedbacks)
        {
            var parameters = new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: feedback, SymptomsCarryOver: 0.45);
            Console.WriteLine($"SessionSimulator, feedback {feedback}, 6-8 sessions, {patients} patients, seeds {seedBase + 1}-{seedBase + (ulong)seeds}; true within {parameters.WithinEffect}, carry-over 0.45");
            Report(
                $"sim {feedback.ToString("0.00", CultureInfo.InvariantCulture)}",
                Enumerable.Range(1, seeds).Select(s => (Func<IReadOnlyList<SessionObservation>>)(() => SessionSimulator.Simulate(patients, seedBase + (ulong)s, parameters).Observations)).ToList(),
                parameters.WithinEffect,
                0.45);
        }
    }

    public static void RunCsv(string directory)
    {
        var truth = File.ReadAllLines(Path.Combine(directory, "truth.csv"))[1].Split(',');
        var files = Directory.GetFiles(directory, "seed_*.csv").Order(StringComparer.Ordinal).ToArray();
        Console.WriteLine($"{directory}: {files.Length} datasets; true within {truth[0]}, carry-over {truth[1]}");
        Report(
            Path.GetFileName(directory),
            files.Select(f => (Func<IReadOnlyList<SessionObservation>>)(() => JointBench.Read(f))).ToList(),
            double.Parse(truth[0], CultureInfo.InvariantCulture),
            double.Parse(truth[1], CultureInfo.InvariantCulture));
    }

    private static void Report(string label, List<Func<IReadOnlyList<SessionObservation>>> datasets, double within, double carry)
    {
        var model = new JointModel(ModelCatalog.AllianceToSymptoms);
        var results = new Result?[datasets.Count];
        Parallel.For(0, datasets.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, d =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var design = JointDesign.Build(datasets[d](), model);
                var fit = JointFitter.Fit(design);
                var fitSeconds = clock.Elapsed.TotalSeconds;
                double[] Ses(string term)
                {
                    var r = fit.FixedThetaSandwich!;
                    var i = r.Index(term);
                    return [fit.Fit.Fixed(term).StdError, Math.Sqrt(r.Cr1[i][i]), Math.Sqrt(r.Cr2[i][i]), Math.Sqrt(fit.Full.Information[i][i]), Math.Sqrt(fit.Full.Sandwich[i][i])];
                }

                var r = new Result(fit.Within.Estimate, Ses(model.WithinTerm), fit.CarryOver.Estimate, Ses(model.CarryOverTerm), fitSeconds);
                results[d] = r;
                Log(label, d, r);
            }
            catch (Exception ex) when (ex is InsufficientDataException or InvalidOperationException)
            {
                Console.Error.WriteLine($"{label} dataset {d + 1}: {ex.Message}");
            }
        });

        var ok = results.Where(r => r is not null).Select(r => r!).ToList();
        Console.WriteLine($"{label}: {ok.Count} of {datasets.Count} fitted; {ok.Average(r => r.Seconds):0.00} s per joint fit on average (two at a time; machine shared with other work)");
        Console.WriteLine("| data | SE | within: bias | within: SD of estimates | within: mean SE | within: coverage | carry-over: bias | carry-over: mean SE | carry-over: coverage |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var withinMean = ok.Average(r => r.Within);
        var sd = Math.Sqrt(ok.Sum(r => (r.Within - withinMean) * (r.Within - withinMean)) / (ok.Count - 1));
        for (var k = 0; k < Kinds.Length; k++)
        {
            var coverage = ok.Count(r => Math.Abs(r.Within - within) <= 1.959963984540054 * r.WithinSe[k]) / (double)ok.Count;
            var carryCoverage = ok.Count(r => Math.Abs(r.Carry - carry) <= 1.959963984540054 * r.CarrySe[k]) / (double)ok.Count;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {label} | {Kinds[k]} | {withinMean - within:+0.000;-0.000} | {sd:0.000} | {ok.Average(r => r.WithinSe[k]):0.000} | {coverage:P0} | {ok.Average(r => r.Carry) - carry:+0.000;-0.000} | {ok.Average(r => r.CarrySe[k]):0.000} | {carryCoverage:P0} |"));
        }
    }

    private static readonly Lock LogGate = new();

    private static void Log(string label, int dataset, Result r)
    {
        if (Environment.GetEnvironmentVariable("JOINT_LOG") is { Length: > 0 } path)
        {
            lock (LogGate)
            {
                File.AppendAllText(path, string.Create(
                    CultureInfo.InvariantCulture,
                    $"{label},{dataset + 1},{r.Within:R},{string.Join(',', r.WithinSe.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))},{r.Carry:R},{string.Join(',', r.CarrySe.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))},{r.Seconds:0.00}\n"));
            }
        }
    }
}
