using System.Globalization;

namespace AllianceMonitor.Bench.Detection;

/// <summary>--name value pairs; a name may repeat (--outside).</summary>
public sealed class Args(List<(string Name, string Value)> pairs)
{
    public static Args Parse(string[] args)
    {
        var pairs = new List<(string, string)>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            pairs.Add((args[i].TrimStart('-'), args[i + 1]));
        }

        return new Args(pairs);
    }

    public bool Has(string name) => pairs.Any(p => p.Name == name);

    public string Get(string name, string fallback) => pairs.LastOrDefault(p => p.Name == name).Value ?? fallback;

    public double Number(string name) => double.Parse(Get(name, "0"), CultureInfo.InvariantCulture);

    public IEnumerable<string> All(string name) => pairs.Where(p => p.Name == name).Select(p => p.Value);
}
