using System.Text.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Support;

/// <summary>One lme4 fit recorded by tests/fixtures/lme4/fit_lme4.R, fit_lme4_initial_conditions.R or fit_lme4_agreement.R.</summary>
public sealed record Lme4Fit(string Source, JsonElement Json)
{
    public string Name => Json.GetProperty("name").GetString()!;

    public string Method => Json.GetProperty("method").GetString()!;

    public double Number(string property) => Json.GetProperty(property).GetDouble();

    public double[] Theta => Vector(Json.GetProperty("theta"));

    public IEnumerable<(double[] Theta, double Objective)> Probes =>
        Json.GetProperty("probes").EnumerateArray().Select(p => (Vector(p.GetProperty("theta")), p.GetProperty("objective").GetDouble()));

    /// <summary>jsonlite writes a length-1 vector as a bare number.</summary>
    public static double[] Vector(JsonElement element) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().Select(e => e.GetDouble()).ToArray() : [element.GetDouble()];
}

public static class Lme4Fixture
{
    public static readonly string[] Datasets = ["small", "singular", "missing_uneven", "medium", "therapists", "agreement"];

    private static readonly Dictionary<string, IReadOnlyList<SessionObservation>> ObservationCache = [];
    private static readonly Dictionary<string, IReadOnlyList<Lme4Fit>> FitCache = [];
    private static readonly Lock Gate = new();

    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "fixtures", "lme4", file);

    public static IReadOnlyList<SessionObservation> Observations(string dataset)
    {
        lock (Gate)
        {
            if (!ObservationCache.TryGetValue(dataset, out var rows))
            {
                using var reader = new StreamReader(PathOf(dataset + ".csv"));
                rows = CsvObservationReader.Read(reader, dataset);
                ObservationCache[dataset] = rows;
            }

            return rows;
        }
    }

    public static IReadOnlyList<Lme4Fit> Fits(string dataset)
    {
        lock (Gate)
        {
            if (!FitCache.TryGetValue(dataset, out var fits))
            {
                // fit_lme4.R's fits, then fit_lme4_initial_conditions.R's and fit_lme4_agreement.R's where those scripts were run on the dataset.
                fits = new[] { ".lme4.json", ".initial_conditions.lme4.json", ".agreement.lme4.json" }
                    .Select(suffix => PathOf(dataset + suffix))
                    .Where(File.Exists)
                    .SelectMany(path =>
                    {
                        using var document = JsonDocument.Parse(File.ReadAllText(path));
                        return document.RootElement.GetProperty("fits").EnumerateArray().Select(e => new Lme4Fit(dataset, e.Clone())).ToArray();
                    })
                    .ToArray();
                FitCache[dataset] = fits;
            }

            return fits;
        }
    }

    public static Lme4Fit Fit(string dataset, string name, string method) =>
        Fits(dataset).Single(f => f.Name == name && f.Method == method);

    /// <summary>Every (dataset, model, method) recorded, for [MemberData].</summary>
    public static TheoryData<string, string, string> AllFits()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var dataset in Datasets)
        {
            foreach (var fit in Fits(dataset))
            {
                data.Add(dataset, fit.Name, fit.Method);
            }
        }

        return data;
    }
}
