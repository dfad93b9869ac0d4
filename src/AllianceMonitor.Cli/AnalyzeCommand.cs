using System.CommandLine;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.CommandLine;

namespace AllianceMonitor.Cli;

public static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var input = InputOption.Create();
        var method = new Option<string>("--method")
        {
            Description = "Estimation: reml (restricted maximum likelihood, for reporting) or ml (for comparing models by likelihood).",
            HelpName = "reml|ml",
            DefaultValueFactory = _ => "reml",
        };
        var model = new Option<string>("--model")
        {
            Description = "Which lagged model to fit: alliance_to_symptoms, symptoms_to_alliance or all.",
            HelpName = "name",
            DefaultValueFactory = _ => "all",
        };
        var effects = new Option<bool>("--effects")
        {
            Description = "Also fit the modality moderation (needs a modality column: video, phone, in_person) with pairwise contrasts "
                + "and a likelihood-ratio test, and the therapist shares of alliance and symptom variance with profile-likelihood intervals.",
        };
        var minPairs = new Option<int>("--min-pairs-per-modality")
        {
            Description = "With --effects: a modality with fewer complete lag pairs is left out of every fit, contrast and test.",
            HelpName = "pairs",
            DefaultValueFactory = _ => ModalityModeration.DefaultMinPairsPerLevel,
        };
        var minTherapists = new Option<int>("--min-therapists")
        {
            Description = "With --effects: no therapist share is reported from fewer therapists (at least 3 are always needed).",
            HelpName = "count",
            DefaultValueFactory = _ => TherapistShare.DefaultMinTherapists,
        };
        var command = new Command(
            "analyze",
            "Fit the lagged multilevel models (within- and between-patient effects of alliance on next-session symptoms and "
            + "back) and the null model of alliance; print one JSON report on stdout.")
        {
            input, method, model, effects, minPairs, minTherapists,
        };
        command.WithExamples(
            "alliance-monitor analyze --input clinic.csv",
            "alliance-monitor analyze --input clinic.csv --method ml --model alliance_to_symptoms > report.json",
            "alliance-monitor analyze --input clinic.csv --effects --min-therapists 20");
        command.SetAction(parsed =>
        {
            using var progress = context.StartProgress(parsed);
            var settings = parsed.GetValue(effects)
                ? new EffectsSettings(
                    NonNegative(parsed.GetRequiredValue(minPairs), "--min-pairs-per-modality"), NonNegative(parsed.GetRequiredValue(minTherapists), "--min-therapists"))
                : null;
            return Run(parsed.GetRequiredValue(input), parsed.GetRequiredValue(method), parsed.GetRequiredValue(model), settings, parsed.InvocationConfiguration.Output, progress);
        });
        return command;
    }

    private static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new InputException($"Option {option}: {value} is below 0.");

    private static int Run(string path, string methodName, string modelName, EffectsSettings? effects, TextWriter stdout, ConsoleProgress progress)
    {
        var method = methodName switch
        {
            "reml" => FitMethod.Reml,
            "ml" => FitMethod.Ml,
            var other => throw new InputException($"Option --method: '{other}' is not reml or ml."),
        };
        var models = modelName == "all"
            ? ModelCatalog.All
            : ModelCatalog.Find(modelName) is { } found
                ? [found]
                : throw new InputException($"Option --model: '{modelName}' is not alliance_to_symptoms, symptoms_to_alliance or all.");

        var file = CsvObservationReader.ReadFileWithModality(path, progress);
        var observations = file.Observations;
        var request = effects is null ? null : new EffectsRequest(file.Modality is { } modality ? o => modality[o] : null, effects);

        AnalysisReport report;
        try
        {
            report = AnalysisReportBuilder.Build(observations, method, models, stage => progress.Begin(stage), request);
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
        return ExitCodes.Ok;
    }
}
