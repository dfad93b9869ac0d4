using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Inference;

namespace AllianceMonitor.Analysis.Models;

/// <summary>The <c>analyze</c> output; the web service returns the same shape.</summary>
/// <param name="Models">Each lagged model with each requested estimator, the person-mean-centred fit first.</param>
/// <param name="Comparisons">With both estimators, their within effect and carry-over side by side; empty otherwise.</param>
/// <param name="Effects">Modality moderation and therapist shares: in the summary always, in <c>analyze</c> with <c>--effects</c>.</param>
/// <param name="Agreement">The client-therapist agreement model: in the summary always, in <c>analyze</c> with <c>--model agreement</c>.</param>
public sealed record AnalysisReport(
    [property: JsonPropertyName("models")] IReadOnlyList<ModelReport> Models,
    [property: JsonPropertyName("comparisons")] IReadOnlyList<ComparisonReport> Comparisons,
    [property: JsonPropertyName("null_model")] NullModelReport NullModel,
    [property: JsonPropertyName("effects"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EffectsReport? Effects = null,
    [property: JsonPropertyName("agreement"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AgreementReport? Agreement = null)
{
    /// <summary>The nested lagged models and the alliance split: in the summary always, in <c>analyze</c> with <c>--therapist-level</c>.</summary>
    [JsonPropertyName("therapist_level"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TherapistLevelReport? TherapistLevel { get; init; }

    /// <summary>Client-therapist agreement per session, patient and therapist (shrunk towards the clinic): in the summary.</summary>
    [JsonPropertyName("rater_agreement"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Agreement.RaterAgreementReport? RaterAgreement { get; init; }
}

/// <param name="Estimator">Which estimator produced every number of this model.</param>
public sealed record ModelReport(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("estimator")] Estimator Estimator,
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

/// <summary>One coefficient of a lagged model by the mixed-model estimators, with the Anderson–Hsiao check.</summary>
/// <param name="Model">The person-mean-centred model's name (the question).</param>
/// <param name="AndersonHsiao">The instrumental-variable check (cluster-robust interval); null when the data have too few runs of three sessions.</param>
/// <param name="IntervalsOverlap">False when the two mixed models' 95% intervals do not overlap: the estimators disagree.</param>
/// <param name="Sentence">Says so in plain words, with both numbers, when they disagree; null otherwise.</param>
/// <param name="CheckSentence">Says so when the Anderson–Hsiao interval does not overlap the initial-conditions one; null otherwise.</param>
/// <param name="JointInitialConditions">The joint model's estimate with its cluster-robust interval; null when it could not be fitted.</param>
/// <param name="JointSentence">Says so when the joint interval does not overlap the initial-conditions one; null otherwise.</param>
public sealed record ComparisonReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("quantity")] ComparedQuantity Quantity,
    [property: JsonPropertyName("person_mean_centred")] EstimateReport PersonMeanCentred,
    [property: JsonPropertyName("initial_conditions")] EstimateReport InitialConditions,
    [property: JsonPropertyName("anderson_hsiao")] EstimateReport? AndersonHsiao,
    [property: JsonPropertyName("intervals_overlap")] bool IntervalsOverlap,
    [property: JsonPropertyName("sentence")] string? Sentence,
    [property: JsonPropertyName("check_sentence")] string? CheckSentence,
    [property: JsonPropertyName("joint_initial_conditions")] EstimateReport? JointInitialConditions = null,
    [property: JsonPropertyName("joint_sentence")] string? JointSentence = null);

/// <param name="Interval">How the standard error and the 95% interval were computed.</param>
public sealed record EstimateReport(
    [property: JsonPropertyName("term")] string Term,
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("std_error")] double StdError,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("interval")] IntervalKind Interval);

public sealed record NullModelReport(
    [property: JsonPropertyName("icc")] double Icc,
    [property: JsonPropertyName("between_variance")] double BetweenVariance,
    [property: JsonPropertyName("within_variance")] double WithinVariance,
    [property: JsonPropertyName("within_sd")] double WithinSd);
