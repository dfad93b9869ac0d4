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

    /// <summary>Fits the requested lagged models and the null model of alliance.</summary>
    /// <param name="onStage">Told the name of each fit as it starts, for a caller that shows progress.</param>
    /// <param name="effects">When given, the report also carries the effects (modality moderation, therapist shares).</param>
    /// <exception cref="InsufficientDataException">A model cannot be fitted to these data.</exception>
    public static AnalysisReport Build(
        IReadOnlyCollection<SessionObservation> observations,
        FitMethod method,
        IEnumerable<LaggedModelDefinition> models,
        Action<string>? onStage = null,
        EffectsRequest? effects = null)
    {
        var reports = new List<ModelReport>();
        var list = models.ToList();
        foreach (var (model, index) in list.Select((m, i) => (m, i)))
        {
            onStage?.Invoke($"fitting {model.Name} ({index + 1} of {list.Count + 1})");
            var spec = LaggedDesign.Build(observations, model);
            var clock = Stopwatch.StartNew();
            var fit = MixedModelFitter.Fit(spec, method);
            clock.Stop();
            reports.Add(ToReport(model.Name, model.Formula, fit, clock.Elapsed.TotalSeconds));
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
            new NullModelReport(nullModel.Icc, nullModel.BetweenVariance, nullModel.WithinVariance, nullModel.WithinSd),
            effectsReport);
    }

    public static string ToJson(AnalysisReport report) => JsonSerializer.Serialize(report, CompactJson);

    public static ModelReport ToReport(string name, string formula, MixedModelFit fit, double fitSeconds) => new(
        name,
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
