using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Models;

/// <summary>The <c>analyze</c> output; the web service returns the same shape.</summary>
/// <param name="Effects">Modality moderation and therapist shares: in the summary always, in <c>analyze</c> with <c>--effects</c>.</param>
public sealed record AnalysisReport(
    [property: JsonPropertyName("models")] IReadOnlyList<ModelReport> Models,
    [property: JsonPropertyName("null_model")] NullModelReport NullModel,
    [property: JsonPropertyName("effects"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EffectsReport? Effects = null);

public sealed record ModelReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("formula")] string Formula,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("n_observations")] int ObservationCount,
    [property: JsonPropertyName("n_patients")] int PatientCount,
    [property: JsonPropertyName("fixed_effects")] IReadOnlyList<FixedEffectReport> FixedEffects,
    [property: JsonIgnore] IReadOnlyList<VarianceReport> Variances,
    [property: JsonIgnore] IReadOnlyList<CorrelationReport> Correlations,
    [property: JsonPropertyName("residual_variance"), JsonPropertyOrder(1)] double ResidualVariance,
    [property: JsonPropertyName("log_likelihood"), JsonPropertyOrder(1)] double LogLikelihood,
    [property: JsonPropertyName("reml_criterion"), JsonPropertyOrder(1)] double? RemlCriterion,
    [property: JsonPropertyName("converged"), JsonPropertyOrder(1)] bool Converged,
    [property: JsonPropertyName("singular"), JsonPropertyOrder(1)] bool Singular,
    [property: JsonPropertyName("iterations"), JsonPropertyOrder(1)] int? Iterations,
    [property: JsonPropertyName("fit_seconds"), JsonPropertyOrder(1)] double FitSeconds)
{
    /// <summary>Variances then correlations, as one heterogeneous JSON array (entries differ in their fields).</summary>
    [JsonPropertyName("random_effects")]
    public IReadOnlyList<object> RandomEffects => [.. Variances, .. Correlations];
}

public sealed record FixedEffectReport(
    [property: JsonPropertyName("term")] string Term,
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("std_error")] double StdError,
    [property: JsonPropertyName("t_value")] double TValue,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh);

public sealed record VarianceReport(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("term")] string Term,
    [property: JsonPropertyName("variance")] double Variance,
    [property: JsonPropertyName("sd")] double Sd);

/// <summary>Term is lme4-style "first|second"; Correlation is null when a SD is zero.</summary>
public sealed record CorrelationReport(
    [property: JsonPropertyName("group")] string Group,
    [property: JsonPropertyName("term")] string Term,
    [property: JsonPropertyName("correlation")] double? Correlation);

public sealed record NullModelReport(
    [property: JsonPropertyName("icc")] double Icc,
    [property: JsonPropertyName("between_variance")] double BetweenVariance,
    [property: JsonPropertyName("within_variance")] double WithinVariance,
    [property: JsonPropertyName("within_sd")] double WithinSd);
