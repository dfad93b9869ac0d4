using System.Diagnostics;
using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

// Times JointFitter.Fit, phase by phase, on a clinic like bench/export/seed.sql's (uniform random WAI-SR means and PHQ-9
// totals, no patient effects: the summary's worst case, singular random effects) of PATIENTS x SESSIONS.
// Usage: JointSpeed [PATIENTS] [SESSIONS] [phases|phases-only|fit|breakdown|repeats] [simulated]   (defaults 10000 10 phases)
// phases: each part of one fit, then the whole JointFitter.Fit; fit: only the latter; repeats: how often the search's
// inner optimizer asks for a theta it already evaluated; breakdown: the fit's phases one by one (evaluations, stop reasons),
// then the whole fit; simulated: SessionSimulator's clinic instead of uniform noise.
var patients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10000;
var sessions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var mode = args.Length > 2 ? args[2] : "phases";
var random = new Random(20261202);
var data = new List<SessionObservation>();
var simulated = args.Length > 3 && args[3] == "simulated";
if (simulated)
{
    // SessionSimulator's clinic (patient effects, feedback -0.10, carry-over 0.45) instead of uniform noise.
    data.AddRange(AllianceMonitor.Analysis.Simulation.SessionSimulator.Simulate(
        patients, 30001, new AllianceMonitor.Analysis.Simulation.SimulationParameters(MinSessions: sessions, MaxSessions: sessions, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations);
}

for (var p = 0; p < (simulated ? 0 : patients); p++)
{
    for (var s = 1; s <= sessions; s++)
    {
        data.Add(new SessionObservation($"bp-{p}", $"bt-{p % 4000}", s, Math.Round((1 + (random.NextDouble() * 4)) * 12) / 12, Math.Floor(random.NextDouble() * 28)));
    }
}

Console.WriteLine($"{patients} patients x {sessions} sessions; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg")[..14]}");
foreach (var question in ModelCatalog.All)
{
    var clock = Stopwatch.StartNew();
    var design = JointDesign.Build(data, new JointModel(question));
    Console.WriteLine($"{question.Name}: design {clock.Elapsed.TotalSeconds:0.00} s");
    if (mode is "phases" or "phases-only")
    {
        clock.Restart();
        var startScale = design.StartScale();
        Console.WriteLine($"  start scale {startScale:0.0000}: {clock.Elapsed.TotalSeconds:0.00} s");
        clock.Restart();
        var spec = design.Spec(startScale);
        Console.WriteLine($"  spec {clock.Elapsed.TotalSeconds:0.00} s");
        clock.Restart();
        var one = MixedModelFitter.Fit(spec);
        Console.WriteLine($"  one fit (default optimizer, lme4 start): {clock.Elapsed.TotalSeconds:0.00} s, {one.Optimization.Evaluations} evaluations, theta {string.Join(" ", one.Theta.Select(t => t.ToString("0.0000", CultureInfo.InvariantCulture)))}");
        clock.Restart();
        var deviance = new ProfiledDeviance(spec);
        Console.WriteLine($"  cross products: {clock.Elapsed.TotalSeconds:0.000} s");
        clock.Restart();
        for (var i = 0; i < 20; i++)
        {
            deviance.Evaluate(one.Theta.ToArray(), FitMethod.Reml);
        }

        Console.WriteLine($"  one evaluation: {clock.Elapsed.TotalSeconds / 20 * 1000:0.0} ms");
        clock.Restart();
        JointClusterRobust.Compute(spec, one.Theta);
        Console.WriteLine($"  cluster-robust at fixed theta: {clock.Elapsed.TotalSeconds:0.00} s");
        clock.Restart();
        JointInformation.Compute(spec, one, startScale);
        Console.WriteLine($"  full information and sandwich: {clock.Elapsed.TotalSeconds:0.00} s");
    }

    if (mode == "repeats")
    {
        var counting = new CountingOptimizer(new NewtonPolishedOptimizer(
            new BoundedNelderMead(SimplexTolerance: 1e-2, MaxRestarts: 0), new BoundedNelderMead(SimplexTolerance: 1e-6, MaxRestarts: 1)));
        var u = Math.Log(design.StartScale());
        foreach (var step in new[] { u - 0.1, u, u + 0.1 })
        {
            MixedModelFitter.Fit(design.Spec(Math.Exp(step)), FitMethod.Reml, counting);
            Console.WriteLine($"  search step at {step:0.000}: {counting.Calls} objective calls so far, {counting.Repeats} repeats");
        }

        continue;
    }

    if (mode == "phases-only")
    {
        continue;
    }

    if (mode == "breakdown")
    {
        // JointFitter.Fit's phases one by one with the same optimizers: where the evaluations go and why each phase stopped.
        var objective = new JointObjective(design, FitMethod.Reml);
        var k = objective.ThetaLength;
        var optimizer = new NewtonPolishedOptimizer(
            new BoundedNelderMead(SimplexTolerance: 1e-2, MaxRestarts: 0), new BoundedNelderMead(SimplexTolerance: 1e-6, MaxRestarts: 1));
        clock.Restart();
        var joint = optimizer.Minimize(objective.Evaluate, objective.Start(design.StartScale()), objective.LowerBounds());
        Console.WriteLine($"  joint optimization: {clock.Elapsed.TotalSeconds:0.00} s, {joint.Evaluations} evaluations, stop {joint.StopReason}, criterion {joint.Minimum.ToString("R", CultureInfo.InvariantCulture)}");
        var chosen = design.Spec(Math.Exp(joint.Minimizer[k]));
        var deviance = new ProfiledDeviance(chosen);
        foreach (var (name, start) in new[] { ("from joint theta", joint.Minimizer[..k]), ("from lme4 start", deviance.InitialTheta()) })
        {
            // As JointFitter.Fit's fits at the chosen scale: the default optimizer, a repeated point not evaluated again.
            clock.Restart();
            var distinct = 0;
            var check = new RememberingOptimizer(NewtonPolishedOptimizer.Default).Minimize(
                theta =>
                {
                    distinct++;
                    return deviance.Evaluate(theta, FitMethod.Reml);
                },
                start,
                deviance.LowerBounds());
            var criterion = JointFitter.Objective(check.Minimum, design.Pairs, Math.Exp(joint.Minimizer[k]));
            Console.WriteLine($"  check fit {name}: {clock.Elapsed.TotalSeconds:0.00} s, {check.Evaluations} evaluations asked, {distinct} made, stop {check.StopReason}, criterion {criterion.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    clock.Restart();
    var (allocated, fullCollections) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(2));
    var fit = JointFitter.Fit(design);
    (allocated, fullCollections) = (GC.GetTotalAllocatedBytes(precise: true) - allocated, GC.CollectionCount(2) - fullCollections);
    Console.WriteLine(
        $"  JointFitter.Fit: {clock.Elapsed.TotalSeconds:0.00} s, {fit.Evaluations} objective evaluations, {allocated / 1e9:0.00} GB allocated, {fullCollections} gen-2 collections, final fit {fit.Fit.Optimization.Evaluations} ({fit.Fit.Optimization.StopReason}), REML criterion {fit.Objective.ToString("R", CultureInfo.InvariantCulture)}, scale {fit.Scale.ToString("R", CultureInfo.InvariantCulture)}, "
        + $"within {fit.WithinRobust.Estimate.ToString("R", CultureInfo.InvariantCulture)} (SE {fit.WithinRobust.StdError.ToString("R", CultureInfo.InvariantCulture)}), "
        + $"carry-over {fit.CarryOverRobust.Estimate.ToString("R", CultureInfo.InvariantCulture)} (SE {fit.CarryOverRobust.StdError.ToString("R", CultureInfo.InvariantCulture)}); load average {File.ReadAllText("/proc/loadavg")[..14]}");
}

/// <summary>Counts how often an optimizer asks for a theta it has already evaluated.</summary>
internal sealed class CountingOptimizer(IBoundedOptimizer inner) : IBoundedOptimizer
{
    public int Calls { get; private set; }

    public int Repeats { get; private set; }

    public OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds)
    {
        var seen = new Dictionary<string, double>();
        return inner.Minimize(
            x =>
            {
                Calls++;
                var key = string.Join(",", x.Select(v => BitConverter.DoubleToInt64Bits(v)));
                if (seen.TryGetValue(key, out var f))
                {
                    Repeats++;
                    return f;
                }

                return seen[key] = objective(x);
            },
            start,
            lowerBounds);
    }
}
