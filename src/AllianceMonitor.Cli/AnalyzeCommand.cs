using System.CommandLine;
using AllianceMonitor.Analysis.Data;
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
            Description = "Which model to fit: the lagged alliance_to_symptoms, symptoms_to_alliance or all of them, or agreement (client and "
                + "therapist ratings as a polynomial response surface; needs a therapist_alliance column, ignores --estimator).",
            HelpName = "name",
            DefaultValueFactory = _ => "all",
        };
        var estimator = new Option<string>("--estimator")
        {
            Description = "How each lagged model is estimated: person-mean-centred (predictors and the lagged outcome centred on "
                + "the patient's mean), initial-conditions (Wooldridge 2005: the raw lagged outcome with the first session's "
                + "outcome and the predictor's person mean as covariates; no short-series bias in the carry-over), joint-initial-conditions "
                + "(the outcome and the predictor modelled together, with cluster-robust intervals; unbiased when the outcome feeds back "
                + "into the predictor, seconds per model) or both, with the Anderson–Hsiao check and the joint model, "
                + "side by side with a sentence where their 95% intervals do not overlap.",
            HelpName = "person-mean-centred|initial-conditions|joint-initial-conditions|both",
            DefaultValueFactory = _ => "both",
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
            Description = "With --effects: no therapist share is reported from fewer therapists; with --therapist-level: the therapist_level "
                + "block (nested fits and the alliance split three ways) is left empty, with the reason, below it. At least 3 are always needed.",
            HelpName = "count",
            DefaultValueFactory = _ => TherapistShare.DefaultMinTherapists,
        };
        var therapistLevel = new Option<bool>("--therapist-level")
        {
            Description = "Fit the lagged models with patients nested in therapists, (1 | therapist_id) + (1 + x_within | therapist_id:patient_id), "
                + "instead of the one-level ones. Only the person-mean-centred estimator has a nested form: with 'both' (the default) the "
                + "person-mean-centred nested fits are reported and nothing is compared; initial-conditions is rejected. Needs therapist_id "
                + $"filled in for at least {TherapistLevelModels.MinTherapists} therapists; pairs without a therapist are left out. Also prints "
                + "therapist_level: the same nested fits and next-session symptoms on the alliance split three ways (therapist's mean, "
                + "patient's mean within the therapist, session within the patient), as GET /analysis/summary does.",
        };
        var command = new Command(
            "analyze",
            "Fit the lagged multilevel models (within- and between-patient effects of alliance on next-session symptoms and "
            + "back) and the null model of alliance; print one JSON report on stdout.")
        {
            input, method, model, estimator, effects, minPairs, minTherapists, therapistLevel,
        };
        command.WithExamples(
            "alliance-monitor analyze --input clinic.csv",
            "alliance-monitor analyze --input clinic.csv --method ml --model alliance_to_symptoms > report.json",
            "alliance-monitor analyze --input clinic.csv --estimator initial-conditions",
            "alliance-monitor analyze --input clinic.csv --effects --min-therapists 20",
            "alliance-monitor analyze --input clinic.csv --therapist-level",
            "alliance-monitor analyze --input rated.csv --model agreement");
        command.SetAction(parsed =>
        {
            using var progress = context.StartProgress(parsed);
            var settings = parsed.GetValue(effects)
                ? new EffectsSettings(
                    NonNegative(parsed.GetRequiredValue(minPairs), "--min-pairs-per-modality"), NonNegative(parsed.GetRequiredValue(minTherapists), "--min-therapists"))
                : null;
            return Run(
                parsed.GetRequiredValue(input), parsed.GetRequiredValue(method), parsed.GetRequiredValue(model), parsed.GetRequiredValue(estimator),
                settings, parsed.GetValue(therapistLevel), NonNegative(parsed.GetRequiredValue(minTherapists), "--min-therapists"),
                parsed.InvocationConfiguration.Output, progress);
        });
        return command;
    }

    private static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new InputException($"Option {option}: {value} is below 0.");

    private static int Run(string path, string methodName, string modelName, string estimatorName, EffectsSettings? effects, bool therapistLevel, int minTherapists, TextWriter stdout, ConsoleProgress progress)
    {
        var method = methodName switch
        {
            "reml" => FitMethod.Reml,
            "ml" => FitMethod.Ml,
            var other => throw new InputException($"Option --method: '{other}' is not reml or ml."),
        };
        var agreement = modelName == AgreementModel.Name;
        var models = modelName == "all" || agreement
            ? ModelCatalog.All
            : ModelCatalog.Find(modelName) is { } found
                ? [found]
                : throw new InputException($"Option --model: '{modelName}' is not alliance_to_symptoms, symptoms_to_alliance, agreement or all.");

        IReadOnlyList<Estimator> estimators = estimatorName switch
        {
            "both" => AnalysisReportBuilder.BothEstimators,
            "person-mean-centred" => [Estimator.PersonMeanCentred],
            "initial-conditions" => [Estimator.InitialConditions],
            "joint-initial-conditions" => [Estimator.JointInitialConditions],
            var other => throw new InputException($"Option --estimator: '{other}' is not person-mean-centred, initial-conditions, joint-initial-conditions or both."),
        };

        if (therapistLevel && agreement)
        {
            throw new InputException("Option --therapist-level: the agreement model has no nested form; leave out one of the two.");
        }

        if (therapistLevel && estimatorName is "initial-conditions" or "joint-initial-conditions")
        {
            throw new InputException($"Option --therapist-level: the {estimatorName} estimator has no nested form; use person-mean-centred.");
        }

        var file = CsvObservationReader.ReadFileWithModality(path, progress);
        var observations = file.Observations;
        var request = effects is null ? null : new EffectsRequest(file.Modality is { } modality ? o => modality[o] : null, effects);

        AnalysisReport report;
        try
        {
            report = agreement
                ? AgreementAnalysis.Build(observations, method, request, progress, path)
                : therapistLevel
                    ? FitNested(observations, method, models, request, minTherapists, progress, path)
                    : AnalysisReportBuilder.Build(observations, method, models, estimators, stage => progress.Begin(stage), request);
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

    /// <summary>
    /// The nested fits in place of the one-level ones, and the therapist-level block (nested fits and the alliance split)
    /// as the summary prints it, under <c>--min-therapists</c>; the null model and the effects as without the option.
    /// </summary>
    private static AnalysisReport FitNested(
        IReadOnlyList<SessionObservation> observations, FitMethod method, IReadOnlyList<LaggedModelDefinition> models, EffectsRequest? request,
        int minTherapists, ConsoleProgress progress, string path)
    {
        TherapistLevelModels.RequireTherapists(observations, path);
        var block = TherapistLevelReportBuilder.Build(observations, method, models, minTherapists, stage => progress.Begin(stage));
        // Below --min-therapists the block has no nested fits, but --therapist-level asked for them and 3 therapists suffice to fit.
        var nested = block.Models ?? models.Select(m =>
        {
            progress.Begin($"fitting {m.Name}{NestedLaggedModels.NameSuffix}");
            return NestedLaggedModels.Fit(observations, m, method);
        }).ToArray();
        var rest = AnalysisReportBuilder.Build(observations, method, [], [Estimator.PersonMeanCentred], stage => progress.Begin(stage), request);
        return rest with { Models = nested, TherapistLevel = block };
    }
}
