using System.Diagnostics;
using System.Globalization;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;

// The refit's alliance_to_symptoms REML fit (NewtonPolishedOptimizer.Default from lme4's start) on synthetic clinics of
// PATIENTS x 10 sessions, one per seed: alliance nearly constant within patients, symptoms falling with it. Seeds 7 and 8
// give patients their own slopes (up to 0.5 and within +-0.05 per session), so the random slope's variance may sit on its
// bound. Seeds 9 and up are pure noise, as the 1M clinic of bench/export/seed.sql. Prints evaluations, seconds, the stop reason, theta, the REML criterion and the within-patient effect the refit stores.
// Usage: SymptomFit [PATIENTS] [SEED ...]   (defaults 100000, seeds 5 6 7 8)
var patients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var seeds = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [5, 6, 7, 8];
int[] sessions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
Console.WriteLine($"{patients} patients x {sessions.Length} sessions; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg")[..14]}");
foreach (var seed in seeds)
{
    var random = new Random(seed);
    var series = new ClinicSeries();
    for (var p = 0; p < patients; p++)
    {
        var level = 4 + random.NextDouble();
        var symptomLevel = 10 + (5 * random.NextDouble());
        var slope = seed switch { 7 => 0.5 * random.NextDouble(), 8 => 0.1 * (random.NextDouble() - 0.5), _ => 0 };
        var alliance = sessions.Select(_ => Math.Round(level + (0.3 * (random.NextDouble() - 0.5)), 2)).ToArray();
        var symptoms = alliance.Select((a, i) => Math.Round(symptomLevel - ((2 + (slope * i)) * a) + (3 * random.NextDouble()))).ToArray();
        if (seed >= 9)
        {
            // As bench/export/seed.sql's 1M clinic: every rating independent uniform noise, so the random effects' variances
            // are near zero and the coarse simplex may end on a bound with the optimum just inside.
            alliance = sessions.Select(_ => Math.Round((1 + (4 * random.NextDouble())) * 12) / 12).ToArray();
            symptoms = sessions.Select(_ => Math.Floor(28 * random.NextDouble())).ToArray();
        }
        series.AddPatient($"p{p:D6}", sessions, alliance, new Dictionary<string, double[]> { ["phq-9"] = symptoms });
    }

    var model = ModelCatalog.AllianceToSymptoms;
    var spec = series.LaggedSymptomDesign("phq-9", model);
    var clock = Stopwatch.StartNew();
    var fit = MixedModelFitter.Fit(spec, FitMethod.Reml);
    var theta = string.Join(" ", fit.Optimization.FinalTheta.Select(t => t.ToString("G6", CultureInfo.InvariantCulture)));
    Console.WriteLine(
        $"seed {seed}: {fit.Optimization.Evaluations} evaluations, {clock.Elapsed.TotalSeconds:0.00} s, stop {fit.Optimization.StopReason}, " +
        $"theta {theta}, REML criterion {fit.Objective.ToString("R", CultureInfo.InvariantCulture)}, " +
        $"effect {fit.Fixed(model.PredictorWithin).Estimate.ToString("R", CultureInfo.InvariantCulture)}");
}
