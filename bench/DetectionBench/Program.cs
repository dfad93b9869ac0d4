using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Bench.Detection;

// Detection benchmark: our detector, the fixed one-point rule and a hindsight oracle on simulated clinics with
// injected rupture-repair sequences. Usage: dotnet run -c Release --project bench/DetectionBench [-- PATIENTS DATASETS SEEDBASE]
// SEEDBASE 0 (default) reports on seeds 1-5; settings were chosen with SEEDBASE 100 (seeds 101-105), never on these.
var patients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var datasets = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var seedBase = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0;
var wai = InstrumentCatalog.Find("wai-sr")!;
double[] ks = [2.0, 2.25, 2.5, 2.8, 3.0];
var variants = ks.Select(k => (K: k, TwoLow: true)).Append((K: DetectorSettings.Default.K, TwoLow: false)).ToArray();
var thresholds = Enumerable.Range(0, 61).Select(i => 1.0 + (i * 0.05)).ToArray();

var ours = variants.ToDictionary(v => v, _ => new List<Score>());
var fixedRule = new List<Score>();
var oracle = thresholds.ToDictionary(c => c, _ => new List<Score>());

for (var d = 1; d <= datasets; d++)
{
    var clinic = SessionSimulator.Simulate(patients, (ulong)(seedBase + d));

    // The clinic's calibration comes from its earlier patients (another draw), so no alert sees the data it judges.
    var history = SessionSimulator.Simulate(patients, (ulong)(seedBase + 1000 + d));
    var rated = clinic.Observations.Where(o => o.Alliance.HasValue).ToList();
    var dips = clinic.Ruptures.Select(r => (r.PatientId, r.Session)).ToHashSet();
    var episodes = clinic.Ruptures.Select(r => r.PatientId).Distinct(StringComparer.Ordinal).Count();
    var byPatient = rated.GroupBy(o => o.PatientId, StringComparer.Ordinal)
        .Select(g => (Patient: g.Key, Sessions: g.OrderBy(o => o.Session).ToList())).ToList();

    foreach (var v in variants)
    {
        var settings = DetectorSettings.Default with { K = v.K, SustainedK = v.TwoLow ? DetectorSettings.Default.SustainedK : double.PositiveInfinity };
        var calibration = Calibration.FromRatings(wai, history.Observations, 1, settings);
        var alerts = byPatient.SelectMany(p => RuptureDetector
            .Replay(p.Sessions.Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList(), wai, calibration, settings)
            .Where(a => a.Kind == AlertKind.Rupture)
            .Select(a => (p.Patient, a.Session)));
        ours[v].Add(Score.Of(alerts, dips, episodes, rated.Count));
    }

    fixedRule.Add(Score.Of(byPatient.SelectMany(p => FixedRuleAlerts(p.Patient, p.Sessions)), dips, episodes, rated.Count));

    var sd = clinic.Parameters.AllianceWithinSd;
    foreach (var c in thresholds)
    {
        var alerts = rated.Where(o => clinic.ExpectedAlliance[o.PatientId] - o.Alliance!.Value >= c * sd).Select(o => (o.PatientId, o.Session));
        oracle[c].Add(Score.Of(alerts, dips, episodes, rated.Count));
    }
}

var bestOracle = oracle.Select(kv => (C: kv.Key, Score: Score.Sum(kv.Value))).MaxBy(x => x.Score.F1);
var fixedScore = Score.Sum(fixedRule);
Console.WriteLine($"{datasets} simulated clinics x {patients} patients (seeds {seedBase + 1}-{seedBase + datasets}; calibration from seeds {seedBase + 1001}-{seedBase + 1000 + datasets})");
Console.WriteLine("| detector | precision | recall | F1 | F1 / oracle F1 | F1 / fixed-rule F1 | false alerts per 100 sessions |");
Console.WriteLine("|---|---|---|---|---|---|---|");
foreach (var v in variants)
{
    var isDefault = v.K == DetectorSettings.Default.K && v.TwoLow;
    Row($"ours, k = {v.K:0.00}{(v.TwoLow ? "" : ", two-low-sessions rule off")}{(isDefault ? " (default)" : "")}", Score.Sum(ours[v]));
}

Row("fixed rule: WAI-SR total (12-60) down 1 point from the previous session", fixedScore);
Row($"oracle: latent expected alliance, best threshold in hindsight ({bestOracle.C:0.00} SD)", bestOracle.Score);

void Row(string name, Score s) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"| {name} | {s.Precision:0.000} | {s.Recall:0.000} | {s.F1:0.000} | {s.F1 / bestOracle.Score.F1:0.00} | {s.F1 / fixedScore.F1:0.0} | {s.FalsePer100Sessions:0.00} |"));

static IEnumerable<(string, int)> FixedRuleAlerts(string patient, List<SessionObservation> sessions)
{
    for (var i = 1; i < sessions.Count; i++)
    {
        // The total is 12 x the item mean; compare in whole points to avoid float noise.
        if (Math.Round(12 * sessions[i - 1].Alliance!.Value) - Math.Round(12 * sessions[i].Alliance!.Value) >= 1)
        {
            yield return (patient, sessions[i].Session);
        }
    }
}
