using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Bench.Detection;

/// <summary>One way of scoring the look-back bound: which model predicts, and whether the injected dips enter the history.</summary>
public sealed record LookBackVariant(string Name, bool TrueModel, bool DipsOut);

/// <summary>The <c>--lookback 1</c> tables: each cell's oracle, version 3 and the look-back bounds (<see cref="LookBack"/>).</summary>
public static class LookBackReport
{
    public static List<(LookBackVariant Variant, LookBack Bound)> Variants(InstrumentDefinition instrument, bool hasTruth)
    {
        var resolution = RobustCalibration.Resolution(instrument);
        var ceiling = instrument.TotalMax - (resolution / 2);
        LookBackVariant[] all =
        [
            new("true model, every rating in the history", true, false),
            new("true model, dips kept out of the history", true, true),
            new("fitted model, every rating in the history", false, false),
            new("fitted model, dips kept out of the history", false, true),
        ];
        return all.Where(v => hasTruth || !v.TrueModel).Select(v => (v, new LookBack(resolution, ceiling, v.DipsOut))).ToList();
    }

    /// <summary>
    /// An outside cell's generating parameters from <c>name=value</c> pairs named as generate_clinic.py's options
    /// (phi, grand-mean, level-sd, slope-mean, slope-sd), separated by commas.
    /// </summary>
    public static GridProcess Process(string spec, double sigma)
    {
        var values = spec.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        return new GridProcess(Phi: values["phi"], GrandMean: values["grand-mean"], BetweenSd: values["level-sd"], SlopeMean: values["slope-mean"], SlopeSd: values["slope-sd"], Sigma: sigma);
    }

    public static void Print(List<(CellResult Cell, List<(LookBackVariant Variant, LookBack Bound)> Bounds)> cells, double budget)
    {
        var variants = new[]
        {
            new LookBackVariant("true model, every rating in the history", true, false),
            new LookBackVariant("true model, dips kept out of the history", true, true),
            new LookBackVariant("fitted model, every rating in the history", false, false),
            new LookBackVariant("fitted model, dips kept out of the history", false, true),
        };
        var rows = cells.Select(c => (c.Cell, Best: variants.Select(v => c.Bounds.FirstOrDefault(b => b.Variant == v).Bound).Select(b => b is null ? null : new
        {
            One = b.Best(pairs: false),
            Both = b.Best(pairs: true),
            Held = b.Best(pairs: true, budget),
            HeldAtOne = b.Best(pairs: true, 1.0),
            Own = b.AtOwnThresholds,
        }).ToList())).ToList();
        Console.WriteLine();
        Console.WriteLine("Look-back bound (--lookback 1): best F1 / oracle F1 of a look-back score with thresholds picked in hindsight from the oracle's grid;");
        Console.WriteLine("1 = one-session threshold only, 1+2 = one-session and two-session thresholds together; v3 = the detector as run above.");
        // Columns: (header, variant, which score); which: 0 one-session only, 1 both, 2 both at <= budget, 3 both at <= 1, 4 own thresholds.
        (string Header, int Variant, int Which)[] columns =
        [
            ("true, all: 1", 0, 0), ("true, all: 1+2", 0, 1), ("true, dips out: 1", 1, 0), ("true, dips out: 1+2", 1, 1),
            ($"true, dips out: 1+2 at <= {budget.ToString(CultureInfo.InvariantCulture)} FA", 1, 2), ("true, dips out: 1+2 at <= 1 FA", 1, 3),
            ("fitted, all: 1+2", 2, 1), ("fitted, dips out: 1+2", 3, 1),
            ($"fitted, all: 1+2 at <= {budget.ToString(CultureInfo.InvariantCulture)} FA", 2, 2), ($"fitted, dips out: 1+2 at <= {budget.ToString(CultureInfo.InvariantCulture)} FA", 3, 2),
            ("fitted, all: own thresholds (check, about v3)", 2, 4),
        ];
        Console.WriteLine($"| cell | oracle F1 | v3 | {string.Join(" | ", columns.Select(c => c.Header))} |");
        Console.WriteLine($"|---|---|---|{string.Concat(columns.Select(_ => "---|"))}");
        var values = Enumerable.Range(0, columns.Length + 1).Select(_ => new List<double>()).ToList();
        foreach (var (cell, best) in rows)
        {
            double? Ratio((string Header, int Variant, int Which) c) => best[c.Variant] is { } b
                ? c.Which switch { 0 => b.One.Score.F1, 1 => b.Both.Score.F1, 2 => b.Held.Score.F1, 3 => b.HeldAtOne.Score.F1, _ => b.Own.F1 } / cell.Oracle.F1
                : null;
            var ratios = columns.Select(Ratio).Prepend(cell.OfOracle).ToList();
            for (var i = 0; i < ratios.Count; i++)
            {
                if (ratios[i] is { } r)
                {
                    values[i].Add(r);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cell.Name} | {cell.Oracle.F1:0.000} | {string.Join(" | ", ratios.Select(r => r is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-"))} |"));
        }

        string Stat(Func<List<double>, double> f) => string.Join(" | ", values.Select(c => c.Count == 0 ? "-" : f(c).ToString("0.00", CultureInfo.InvariantCulture)));
        Console.WriteLine($"| median cell | | {Stat(Median)} |");
        Console.WriteLine($"| worst cell | | {Stat(c => c.Min())} |");
        Console.WriteLine($"| mean | | {Stat(c => c.Average())} |");

        for (var v = 0; v < variants.Length; v++)
        {
            Console.WriteLine();
            Console.WriteLine($"Look-back bound, {variants[v].Name}: F1 (one-session threshold, two-session threshold, false alerts per 100 sessions); own = each clinic's budget thresholds on these scores");
            Console.WriteLine($"| cell | oracle F1 | v3 F1 | 1 | 1+2 | 1+2 at <= {budget.ToString(CultureInfo.InvariantCulture)} false alerts | 1+2 at <= 1 false alert | own thresholds |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var (cell, best) in rows)
            {
                if (best[v] is not { } b)
                {
                    Console.WriteLine($"| {cell.Name} | no true parameters |");
                    continue;
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {cell.Name} | {cell.Oracle.F1:0.000} ({cell.OracleThreshold:0.00}, {cell.Oracle.FalsePer100Sessions:0.00}) | {cell.Ours.F1:0.000} ({cell.Ours.FalsePer100Sessions:0.00}) | {Show(b.One)} | {Show(b.Both)} | {Show(b.Held)} | {Show(b.HeldAtOne)} | {b.Own.F1:0.000} ({b.Own.FalsePer100Sessions:0.00}) |"));
            }
        }
    }

    private static string Show((Score Score, double One, double Two) b) => string.Create(CultureInfo.InvariantCulture,
        $"{b.Score.F1:0.000} ({b.One:0.00}, {(double.IsPositiveInfinity(b.Two) ? "off" : b.Two.ToString("0.00", CultureInfo.InvariantCulture))}, {b.Score.FalsePer100Sessions:0.00})");

    private static double Median(List<double> values)
    {
        // The bench's median cell: the ((n - 1) / 2)-th of the sorted cells (Report.Print), not an average of two.
        var sorted = values.Order().ToList();
        return sorted[(sorted.Count - 1) / 2];
    }
}
