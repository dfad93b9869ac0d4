using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Simulation;

/// <summary>
/// Specifications within the initial-conditions family (alliance_to_symptoms), fitted on the same simulated clinics:
/// which of them recovers the within effect when symptoms feed back into later alliance (issue 18)? Alliance at
/// t + 2 and later depends on the symptoms error at t + 1, so any covariate built from later sessions' alliance
/// (the person mean over all sessions) breaks strict exogeneity; covariates from sessions up to t do not.
/// </summary>
internal static class Variants
{
    private sealed record Row(double Y, double X, double Lag, double YFirst, double XFirst, double PersonMean, double RunningMean, int Session, string Patient);

    private static readonly Func<Row, double> Lag = r => r.Lag;

    // Label, fixed columns, random slope column (null: random intercept only), index of the within-effect column.
    private static readonly (string Label, string Description, Func<Row, double>[] Fixed, Func<Row, double>? Slope)[] Specs =
    [
        ("a", "as now: x - mean_all, mean_all, y_t, y_first, session; (1 + x_within | patient)",
            [r => r.X - r.PersonMean, r => r.PersonMean, Lag, r => r.YFirst, r => r.Session], r => r.X - r.PersonMean),
        ("b", "as now, random intercept only", [r => r.X - r.PersonMean, r => r.PersonMean, Lag, r => r.YFirst, r => r.Session], null),
        ("c", "x_t raw, y_t, y_first, x_first, session; (1 | patient)", [r => r.X, Lag, r => r.YFirst, r => r.XFirst, r => r.Session], null),
        ("c+", "c with (1 + x_t - x_first | patient)", [r => r.X, Lag, r => r.YFirst, r => r.XFirst, r => r.Session], r => r.X - r.XFirst),
        ("d", "x_t - mean_to_t, mean_to_t, y_t, y_first, session; (1 | patient)",
            [r => r.X - r.RunningMean, r => r.RunningMean, Lag, r => r.YFirst, r => r.Session], null),
        ("d+", "d with (1 + x_t - mean_to_t | patient)",
            [r => r.X - r.RunningMean, r => r.RunningMean, Lag, r => r.YFirst, r => r.Session], r => r.X - r.RunningMean),
        ("e", "d plus x_first; (1 | patient)",
            [r => r.X - r.RunningMean, r => r.RunningMean, r => r.XFirst, Lag, r => r.YFirst, r => r.Session], null),
        ("e+", "e with (1 + x_t - mean_to_t | patient)",
            [r => r.X - r.RunningMean, r => r.RunningMean, r => r.XFirst, Lag, r => r.YFirst, r => r.Session], r => r.X - r.RunningMean),
        ("g", "e with (1 + session | patient): a patient-specific trend",
            [r => r.X - r.RunningMean, r => r.RunningMean, r => r.XFirst, Lag, r => r.YFirst, r => r.Session], r => r.Session),
        ("a-g", "a with (1 + session | patient) instead of the random slope of x_within",
            [r => r.X - r.PersonMean, r => r.PersonMean, Lag, r => r.YFirst, r => r.Session], r => r.Session),
        ("f", "e+ with a separate coefficient of mean_to_t and of x_first at each session t (Chamberlain's sequential projection)",
            [r => r.X - r.RunningMean, Lag, r => r.YFirst, r => r.Session, .. BySession(r => r.RunningMean, 1), .. BySession(r => r.XFirst, 2)], r => r.X - r.RunningMean),
    ];

    // Sessions up to 7 as the current session of a pair in 6-8-session series. At session 1 the running mean is x_first.
    private static IEnumerable<Func<Row, double>> BySession(Func<Row, double> column, int from) =>
        Enumerable.Range(from, 8 - from).Select(s => (Func<Row, double>)(r => r.Session == s ? column(r) : 0));

    public static void Run(int seeds, int patients, double improvementSd, int minSessions, int maxSessions, double improvement, ulong seedBase)
    {
        const double CarryOver = 0.45;
        Console.WriteLine($"alliance_to_symptoms variants, REML; {seeds} seeds, {patients} patients, {minSessions}-{maxSessions} sessions; true within -2.0, carry-over {CarryOver}, improvement {improvement} (SD {improvementSd})");
        foreach (var s in Specs)
        {
            Console.WriteLine($"  {s.Label}: {s.Description}");
        }

        Console.WriteLine("| feedback | variant | within: bias | within: coverage | within: mean SE | carry-over: bias | carry-over: coverage | failed |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var feedback in new[] { 0.0, -0.02, -0.10 })
        {
            var parameters = new SimulationParameters(
                MinSessions: minSessions, MaxSessions: maxSessions, SymptomsToAllianceEffect: feedback, SymptomsCarryOver: CarryOver,
                ImprovementPerSession: improvement, ImprovementSd: improvementSd);
            var tallies = Specs.Select(_ => new Tally()).ToArray();
            for (var seed = 1; seed <= seeds; seed++)
            {
                var rows = Rows(SessionSimulator.Simulate(patients, seedBase + (ulong)seed, parameters).Observations);
                for (var v = 0; v < Specs.Length; v++)
                {
                    try
                    {
                        var fit = MixedModelFitter.Fit(Spec(rows, Specs[v].Fixed, Specs[v].Slope));
                        // The first column is the within effect's, the column Lag the carry-over's.
                        var within = fit.Fixed("x1");
                        var carry = fit.Fixed("x" + (Array.IndexOf(Specs[v].Fixed, Lag) + 1).ToString(CultureInfo.InvariantCulture));
                        tallies[v].Add(
                            new Estimate(within.Estimate, within.StdError, within.CiLow, within.CiHigh), parameters.WithinEffect,
                            new Estimate(carry.Estimate, carry.StdError, carry.CiLow, carry.CiHigh), CarryOver);
                    }
                    catch (InvalidOperationException)
                    {
                        tallies[v].Failed++;
                    }
                }
            }

            for (var v = 0; v < Specs.Length; v++)
            {
                var t = tallies[v];
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {feedback:0.00} | {Specs[v].Label} | {Signed(t.WithinBias)} | {t.WithinCoverage:P0} | {t.WithinSe:0.000} | {Signed(t.CarryBias)} | {t.CarryCoverage:P0} | {t.Failed} |"));
            }
        }
    }

    private static string Signed(double value) => Math.Round(value, 3).ToString("+0.000;-0.000;+0.000", CultureInfo.InvariantCulture);

    private static MixedModelSpec Spec(IReadOnlyList<Row> rows, Func<Row, double>[] fixedColumns, Func<Row, double>? slope)
    {
        var ones = Enumerable.Repeat(1.0, rows.Count).ToArray();
        var fixedTerms = new List<(string, IReadOnlyList<double>)> { ("(Intercept)", ones) };
        for (var i = 0; i < fixedColumns.Length; i++)
        {
            var f = fixedColumns[i];
            fixedTerms.Add(("x" + (i + 1).ToString(CultureInfo.InvariantCulture), rows.Select(f).ToArray()));
        }

        var random = new List<(string, IReadOnlyList<double>)> { ("(Intercept)", ones) };
        if (slope is not null)
        {
            random.Add(("slope", rows.Select(slope).ToArray()));
        }

        return MixedModelSpec.Create("y", rows.Select(r => r.Y).ToArray(), fixedTerms,
            [new RandomEffectTermData("patient_id", rows.Select(r => r.Patient).ToArray(), random)]);
    }

    private static List<Row> Rows(IReadOnlyList<SessionObservation> observations)
    {
        var byPatient = observations.GroupBy(o => o.PatientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.Session).ToList(), StringComparer.Ordinal);
        var rows = new List<Row>();
        foreach (var (patient, sessions) in byPatient)
        {
            var xs = sessions.Where(o => o.Alliance is not null).ToList();
            var ys = sessions.Where(o => o.Symptoms is not null).ToList();
            if (xs.Count == 0 || ys.Count == 0)
            {
                continue;
            }

            var personMean = xs.Average(o => o.Alliance!.Value);
            var xFirst = xs[0].Alliance!.Value;
            var yFirst = ys[0].Symptoms!.Value;
            for (var i = 0; i + 1 < sessions.Count; i++)
            {
                var (now, next) = (sessions[i], sessions[i + 1]);
                if (next.Session != now.Session + 1 || now.Alliance is not double x || now.Symptoms is not double lag || next.Symptoms is not double y)
                {
                    continue;
                }

                var runningMean = xs.Where(o => o.Session <= now.Session).Average(o => o.Alliance!.Value);
                rows.Add(new Row(y, x, lag, yFirst, xFirst, personMean, runningMean, now.Session, patient));
            }
        }

        return rows;
    }
}
