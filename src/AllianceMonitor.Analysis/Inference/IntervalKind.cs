using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Inference;

/// <summary>How a reported interval was computed (every interval in the effects report names its kind).</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<IntervalKind>))]
public enum IntervalKind
{
    /// <summary>Estimate +- a normal quantile x SE from the fixed-effects covariance.</summary>
    Wald,

    /// <summary>The values whose profiled ML deviance is within the chi-square(1) 0.95 quantile of its minimum.</summary>
    Profile,

    /// <summary>
    /// Estimate +- a normal quantile x SE from a sandwich covariance clustered by patient (the Anderson–Hsiao check; the
    /// joint model's, over all its parameters).
    /// </summary>
    ClusterRobustWald,
}

/// <summary>How p-values and intervals of a family of comparisons are adjusted.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<MultiplicityAdjustment>))]
public enum MultiplicityAdjustment
{
    /// <summary>p x m (at most 1) and intervals at level 1 - 0.05 / m, over m comparisons.</summary>
    Bonferroni,
}
