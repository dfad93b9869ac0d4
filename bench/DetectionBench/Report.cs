using System.Globalization;

namespace AllianceMonitor.Bench.Detection;

public sealed record CellResult(string Name, Score Ours, Score Oracle, double OracleThreshold, Score Fixed, double CeilingShare)
{
    public double OfOracle => Oracle.F1 == 0 ? 0 : Ours.F1 / Oracle.F1;
    public double OfFixed => Fixed.F1 == 0 ? 0 : Ours.F1 / Fixed.F1;
}

public static class Report
{
    public static void Print(List<CellResult> results)
    {
        Console.WriteLine("| cell | sessions / ruptures | at ceiling | precision | recall | F1 | oracle F1 (threshold) | fixed-rule F1 | F1 / oracle | F1 / fixed | false alerts per 100 sessions |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Row(r);
        }

        var sorted = results.OrderBy(r => r.OfOracle).ToList();
        Console.WriteLine();
        Console.Write("Worst cell (F1 / oracle): ");
        Row(sorted[0]);
        Console.Write("Median cell (F1 / oracle): ");
        Row(sorted[(sorted.Count - 1) / 2]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Most false alerts: {results.Max(r => r.Ours.FalsePer100Sessions):0.00} per 100 sessions; smallest F1 / fixed: {results.Min(r => r.OfFixed):0.0}"));
    }

    private static void Row(CellResult r) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Name} | {r.Ours.RatedSessions} / {r.Ours.Episodes} | {r.CeilingShare:0%} | {r.Ours.Precision:0.000} | {r.Ours.Recall:0.000} | {r.Ours.F1:0.000} | {r.Oracle.F1:0.000} ({r.OracleThreshold:0.00}) | {r.Fixed.F1:0.000} | {r.OfOracle:0.00} | {r.OfFixed:0.0} | {r.Ours.FalsePer100Sessions:0.00} |"));
}
