using System.Diagnostics;
using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Bench.Modality;

/// <summary>
/// Calibration of the modality moderation under the null: the simulator has one within-patient effect for every
/// modality, and the labels are drawn at random (video 50%, phone 35%, in person 15%), per session or per patient.
/// Counts, over seeds, how often the overall likelihood-ratio test rejects at alpha = .05, how often any unadjusted
/// pairwise |z| exceeds 1.96, and how often any Bonferroni-adjusted contrast interval excludes zero.
/// Usage: ModalityBench [--seeds 200] [--patients 200] [--assign session|patient] [--first-seed 1]
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal) && x.i + 1 < args.Length)
            .ToDictionary(x => x.a[2..], x => args[x.i + 1], StringComparer.Ordinal);
        int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var seeds = Option("seeds", 200);
        var patients = Option("patients", 200);
        var first = Option("first-seed", 1);
        var assign = options.GetValueOrDefault("assign", "session");
        if (assign is not ("session" or "patient"))
        {
            Console.Error.WriteLine("--assign must be session or patient");
            return 2;
        }

        int lrRejects = 0, anyUnadjusted = 0, anyAdjusted = 0, failures = 0, notConverged = 0, singular = 0;
        var clock = Stopwatch.StartNew();
        for (var seed = first; seed < first + seeds; seed++)
        {
            var rows = SessionSimulator.Simulate(patients, (ulong)seed).Observations;
            var modality = RandomLabels(rows, seed, assign);
            try
            {
                var result = ModalityModeration.Fit(rows, o => modality[o], ModelCatalog.AllianceToSymptoms);
                var test = result.OverallTest!;
                lrRejects += test.PValue < 0.05 ? 1 : 0;
                anyUnadjusted += result.Contrasts.Any(c => Math.Abs(c.Z) > 1.959963984540054) ? 1 : 0;
                anyAdjusted += result.Contrasts.Any(c => c.CiLow > 0 || c.CiHigh < 0) ? 1 : 0;
                notConverged += result.Fit.Converged && test.Full.Converged && test.Reduced.Converged ? 0 : 1;
                singular += result.Fit.Singular || test.Full.Singular || test.Reduced.Singular ? 1 : 0;
            }
            catch (InsufficientDataException)
            {
                failures++;
            }
        }

        var fitted = seeds - failures;
        Console.WriteLine($"modality labels at random per {assign}, {patients} patients, seeds {first}-{first + seeds - 1}: {fitted} fitted, {failures} refused, "
            + $"{notConverged} with a fit not converged, {singular} with a singular fit; {clock.Elapsed.TotalSeconds:F0} s");
        Report("overall likelihood-ratio test, p < .05", lrRejects, fitted);
        Report("any unadjusted pairwise |z| > 1.96", anyUnadjusted, fitted);
        Report("any Bonferroni-adjusted 95% contrast interval excludes 0", anyAdjusted, fitted);
        return 0;
    }

    private static Dictionary<SessionObservation, string?> RandomLabels(IReadOnlyList<SessionObservation> rows, int seed, string assign)
    {
        // A stream of its own, so the labels never depend on the simulated data.
        var random = new Random(seed * 7919);
        string Draw()
        {
            var u = random.NextDouble();
            return u < 0.5 ? "video" : u < 0.85 ? "phone" : "in_person";
        }

        var perPatient = new Dictionary<string, string>(StringComparer.Ordinal);
        return rows.ToDictionary(r => r, r => (string?)(assign == "session" ? Draw() : perPatient.TryGetValue(r.PatientId, out var l) ? l : perPatient[r.PatientId] = Draw()));
    }

    /// <summary>The rate with its 95% Wilson score interval.</summary>
    private static void Report(string what, int hits, int n)
    {
        const double z = 1.959963984540054;
        var p = (double)hits / n;
        var centre = (p + (z * z / (2 * n))) / (1 + (z * z / n));
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z * z / (4.0 * n * n))) / (1 + (z * z / n));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {hits}/{n} = {p:P1} (95% Wilson interval {centre - half:P1} to {centre + half:P1})"));
    }
}
