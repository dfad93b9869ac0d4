using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

public static class AnalysisReportBuilder
{
    // The report is data, never embedded in HTML, so formulas keep their '+' and '|' unescaped.
    private static readonly JsonSerializerOptions CompactJson = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Both estimators, person-mean-centred first: the default of the CLI and the summary.</summary>
    public static IReadOnlyList<Estimator> BothEstimators { get; } = [Estimator.PersonMeanCentred, Estimator.InitialConditions];

    /// <summary>Fits the requested lagged models with each requested estimator, and the null model of alliance.</summary>
    /// <param name="estimators">
    /// Defaults to <see cref="BothEstimators"/>; with both, each model's two fits are compared, beside the Anderson–Hsiao
    /// check and the joint model (fitted for the comparison when not requested itself).
    /// </param>
    /// <param name="onStage">Told the name of each fit as it starts, for a caller that shows progress.</param>
    /// <param name="effects">When given, the report also carries the effects (modality moderation, therapist shares).</param>
    /// <exception cref="InsufficientDataException">A model cannot be fitted to these data.</exception>
    public static AnalysisReport Build(
        IReadOnlyCollection<SessionObservation> observations,
        FitMethod method,
        IEnumerable<LaggedModelDefinition> models,
        IReadOnlyList<Estimator>? estimators = null,
        Action<string>? onStage = null,
        EffectsRequest? effects = null)
    {
        var reports = new List<ModelReport>();
        var fits = new Dictionary<(string Question, Estimator Estimator), (EstimatedModel Model, MixedModelFit Fit)>();
        var joints = new Dictionary<string, JointFit?>();
        var list = EstimatedModel.For(models, estimators ?? BothEstimators);
        foreach (var (model, index) in list.Select((m, i) => (m, i)))
        {
            onStage?.Invoke($"fitting {model.Name} ({index + 1} of {list.Count + 1})");
            if (model.Estimator == Estimator.JointInitialConditions)
            {
                var jointClock = Stopwatch.StartNew();
                var joint = JointFitter.Fit(JointDesign.Build(observations, model.Joint), method, fixedThetaSandwich: false);
                jointClock.Stop();
                reports.Add(ToReport(joint, jointClock.Elapsed.TotalSeconds));
                joints[model.Question.Name] = joint;
                continue;
            }

            var spec = model.Build(observations);
            var clock = Stopwatch.StartNew();
            var fit = MixedModelFitter.Fit(spec, method);
            clock.Stop();
            reports.Add(ToReport(model.Name, model.Estimator, model.Formula, fit, clock.Elapsed.TotalSeconds));
            fits[(model.Question.Name, model.Estimator)] = (model, fit);
        }

        onStage?.Invoke($"fitting the null model ({list.Count + 1} of {list.Count + 1})");
        var nullModel = NullModel.Fit(observations, method).Summary;
        EffectsReport? effectsReport = null;
        if (effects is not null)
        {
            onStage?.Invoke("fitting the modality moderation and the therapist shares");
            effectsReport = EffectsReportBuilder.Build(observations, effects.Modality, effects.Settings);
        }

        return new AnalysisReport(
            reports,
            Compare(observations, method, list, fits, joints, onStage),
            new NullModelReport(nullModel.Icc, nullModel.BetweenVariance, nullModel.WithinVariance, nullModel.WithinSd),
            effectsReport);
    }

    private static List<ComparisonReport> Compare(
        IReadOnlyCollection<SessionObservation> observations,
        FitMethod method,
        IReadOnlyList<EstimatedModel> models,
        Dictionary<(string Question, Estimator Estimator), (EstimatedModel Model, MixedModelFit Fit)> fits,
        Dictionary<string, JointFit?> joints,
        Action<string>? onStage)
    {
        var questions = models.Select(m => m.Question).Distinct()
            .Where(q => fits.ContainsKey((q.Name, Estimator.PersonMeanCentred)) && fits.ContainsKey((q.Name, Estimator.InitialConditions)))
            .ToList();
        FitJoints(observations, method, questions.Where(q => !joints.ContainsKey(q.Name)).ToList(), joints, onStage);
        var comparisons = new List<ComparisonReport>();
        foreach (var question in questions)
        {
            if (fits.TryGetValue((question.Name, Estimator.PersonMeanCentred), out var centred)
                && fits.TryGetValue((question.Name, Estimator.InitialConditions), out var initial))
            {
                var check = TryAndersonHsiao(observations, question);
                var joint = joints[question.Name];

                comparisons.Add(EstimatorComparison.Compare(
                    question, ComparedQuantity.WithinEffect, centred.Fit.Fixed(centred.Model.WithinTerm), initial.Fit.Fixed(initial.Model.WithinTerm),
                    check?.Single(f => f.Term == AndersonHsiao.WithinTerm(question)), joint?.WithinRobust));
                comparisons.Add(EstimatorComparison.Compare(
                    question, ComparedQuantity.CarryOver, centred.Fit.Fixed(centred.Model.CarryOverTerm), initial.Fit.Fixed(initial.Model.CarryOverTerm),
                    check?.Single(f => f.Term == AndersonHsiao.CarryOverTerm(question)), joint?.CarryOverRobust));
            }
        }

        return comparisons;
    }

    /// <summary>
    /// The comparisons' joint fits, one after the other: each fit's deviance evaluations and sandwich already run on every
    /// core, and two at once held both fits' stacked frames and sandwiches for no gain in wall time on a two-core machine
    /// (bench/README.md, "first summary at clinic size": the summary's peak RSS at 100,000 sessions 520 against 444 MB). Each fit is deterministic, so the
    /// order changes no result.
    /// </summary>
    private static void FitJoints(
        IReadOnlyCollection<SessionObservation> observations, FitMethod method, List<LaggedModelDefinition> questions, Dictionary<string, JointFit?> joints, Action<string>? onStage)
    {
        foreach (var question in questions)
        {
            onStage?.Invoke($"fitting {new JointModel(question).Name} for the comparison");
            joints[question.Name] = TryJoint(observations, question, method);
        }
    }

    /// <summary>Like the check, the joint model in a comparison is optional: it needs more patients than the single-equation models.</summary>
    private static JointFit? TryJoint(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition question, FitMethod method)
    {
        try
        {
            return JointFitter.Fit(JointDesign.Build(observations, new JointModel(question)), method, fixedThetaSandwich: false);
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The check is optional: data the mixed models can fit may still lack runs of three sessions.</summary>
    private static IReadOnlyList<FixedEffect>? TryAndersonHsiao(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition question)
    {
        try
        {
            return AndersonHsiao.Fit(observations, question);
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
        {
            return null;
        }
    }

    public static string ToJson(AnalysisReport report) => JsonSerializer.Serialize(report, CompactJson);

    /// <summary>
    /// The joint fit as a model report: its fixed effects with the cluster-robust standard errors and Wald intervals
    /// (<see cref="JointFit.RobustFixed"/>), which the formula says; the variances are the stacked fit's, the residual
    /// variance the outcome equation's.
    /// </summary>
    public static ModelReport ToReport(JointFit joint, double fitSeconds) => ToReport(
        joint.Model.Name,
        Estimator.JointInitialConditions,
        $"{joint.Model.Formula}; intervals: cluster-robust Wald (sandwich over all parameters, by patient)",
        joint.Fit with { FixedEffects = joint.Fit.FixedEffects.Select(f => joint.RobustFixed(f.Term)).ToArray() },
        fitSeconds);

    public static ModelReport ToReport(string name, Estimator estimator, string formula, MixedModelFit fit, double fitSeconds) => new(
        name,
        estimator,
        formula,
        fit.Method == FitMethod.Reml ? "REML" : "ML",
        fit.ObservationCount,
        fit.GroupCount,
        fit.FixedEffects.Select(f => new FixedEffectReport(f.Term, f.Estimate, f.StdError, f.TValue, f.CiLow, f.CiHigh)).ToArray(),
        fit.VarianceComponents.Select(v => new VarianceReport(v.Group, v.Term, v.Variance, v.Sd)).ToArray(),
        fit.Correlations.Select(c => new CorrelationReport(c.Group, $"{c.Term1}|{c.Term2}", c.Correlation)).ToArray(),
        fit.ResidualVariance,
        fit.LogLikelihood,
        fit.Method == FitMethod.Reml ? fit.Objective : null,
        fit.Converged,
        fit.Singular,
        fit.Optimization.Iterations,
        fitSeconds);
}
