using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Cli;

public static class AnalyzeCommand
{
    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var options = CommandLineOptions.Parse(args, ["input", "method", "model"]);
        var path = options.Required("input");
        var method = (options.Optional("method") ?? "reml") switch
        {
            "reml" => FitMethod.Reml,
            "ml" => FitMethod.Ml,
            var other => throw new InputException($"Option --method: '{other}' is not reml or ml."),
        };
        var modelName = options.Optional("model") ?? "all";
        var models = modelName == "all"
            ? ModelCatalog.All
            : ModelCatalog.Find(modelName) is { } found
                ? [found]
                : throw new InputException($"Option --model: '{modelName}' is not alliance_to_symptoms, symptoms_to_alliance or all.");

        if (!File.Exists(path))
        {
            throw new InputException($"{path}: file not found.");
        }

        using var reader = new StreamReader(path);
        var observations = CsvObservationReader.Read(reader, path);

        AnalysisReport report;
        try
        {
            report = AnalysisReportBuilder.Build(observations, method, models);
        }
        catch (InsufficientDataException e)
        {
            throw new InputException($"{path}: too little data to fit: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new InputException($"{path}: the data cannot be fitted: {e.Message}", e);
        }

        stdout.Write(AnalysisReportBuilder.ToJson(report));
        stdout.Write('\n');
        return 0;
    }
}
