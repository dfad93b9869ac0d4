using System.Diagnostics;
using System.Globalization;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

// Times the engine's fits on simulated data (median of the repetitions after one warm-up run, so
// JIT is left out): wall time, and the process's CPU time, which a machine shared with other
// work disturbs less. OLD_API: the engine before issue 14, with a separate nested fit.
var patients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20_000;
var repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var data = SessionSimulator.Simulate(patients, (ulong)patients).Observations.ToArray();
var single = LaggedDesign.Build(data, ModelCatalog.AllianceToSymptoms);
var nested = LaggedDesign.BuildNested(data, ModelCatalog.AllianceToSymptoms);
#if OLD_API
object FitNested() => MixedModelFitter.FitNested(nested.Spec, NestedLaggedDesign.TherapistGroupName, nested.Therapists);
#else
object FitNested() => MixedModelFitter.Fit(nested);
#endif

// The two parts of a one-term fit: forming the cross-products once, and one evaluation of the objective.
double[] theta = [1.5, 0.1, 0.3];
var parts = new[]
{
    Time("one-term cross-products", () => new ProfiledDeviance(single)),
    Time("one-term 100 evaluations", () => EvaluateRepeatedly(new ProfiledDeviance(single), theta, 100)),
    Time("alliance_to_symptoms", () => MixedModelFitter.Fit(single)),
    Time("alliance_to_symptoms_nested", FitNested),
    Time("null_model (with design)", () => NullModel.Fit(data)),
    Time("therapist_share (with design)", () => TherapistShare.Fit(data)),
};
Console.WriteLine($"{patients} patients, median of {repetitions}: {string.Join(" | ", parts)}");

static object EvaluateRepeatedly(ProfiledDeviance deviance, double[] theta, int times)
{
    var sum = 0.0;
    for (var i = 0; i < times; i++)
    {
        sum += deviance.Evaluate(theta, FitMethod.Reml);
    }

    return sum;
}

string Time(string name, Func<object> fit)
{
    var wall = new List<double>();
    var cpu = new List<double>();
    using var process = Process.GetCurrentProcess();
    for (var i = 0; i <= repetitions; i++)
    {
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        fit();
        clock.Stop();
        process.Refresh();
        if (i > 0)
        {
            wall.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }
    }

    wall.Sort();
    cpu.Sort();
    return string.Create(CultureInfo.InvariantCulture, $"{name} wall {wall[wall.Count / 2]:F0} ms, cpu {cpu[cpu.Count / 2]:F0} ms");
}
