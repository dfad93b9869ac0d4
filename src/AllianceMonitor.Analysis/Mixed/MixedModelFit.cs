namespace AllianceMonitor.Analysis.Mixed;

/// <remarks>
/// <para>Term: Term name as in the formula.</para>
/// <para>Estimate: Estimated coefficient.</para>
/// <para>StdError: Square root of the diagonal of lme4's <c>vcov</c>.</para>
/// <para>TValue: Estimate / StdError.</para>
/// <para>CiLow: Lower limit of the 95% Wald interval.</para>
/// <para>CiHigh: Upper limit of the 95% Wald interval.</para>
/// </remarks>
public sealed record FixedEffect(string Term, double Estimate, double StdError, double TValue, double CiLow, double CiHigh);

/// <summary>Variance of one random-effect term (absolute, not relative to the residual variance).</summary>
public sealed record VarianceComponent(string Group, string Term, double Variance, double Sd);

/// <summary>Correlation between two random-effect terms; <c>null</c> when either SD is zero (lme4 prints NaN).</summary>
public sealed record RandomEffectCorrelation(string Group, string Term1, string Term2, double? Correlation);

/// <summary>Conditional modes (BLUPs) of one group's random effects, in the order of the random terms.</summary>
public sealed record GroupRandomEffects(string Group, IReadOnlyList<double> Effects);

/// <summary>A fitted linear mixed model, with the diagnostics lme4 reports.</summary>
/// <remarks>
/// <para>Objective: The minimized criterion: REML criterion (REML) or deviance, -2 log-likelihood (ML).</para>
/// <para>Theta: lme4's covariance parameters at the optimum (column-wise lower triangle of the relative factor).</para>
/// <para>FixedEffectsCovariance: lme4's <c>vcov</c>, row by row.</para>
/// <para>Singular: True when a diagonal element of theta is below 1e-4 (lme4's <c>isSingular</c> rule).</para>
/// <para>Iterations: Objective evaluations used by the optimizer.</para>
/// </remarks>
public sealed record MixedModelFit(
    FitMethod Method,
    int ObservationCount,
    int GroupCount,
    IReadOnlyList<FixedEffect> FixedEffects,
    IReadOnlyList<IReadOnlyList<double>> FixedEffectsCovariance,
    IReadOnlyList<VarianceComponent> VarianceComponents,
    IReadOnlyList<RandomEffectCorrelation> Correlations,
    double ResidualVariance,
    double LogLikelihood,
    double Objective,
    IReadOnlyList<double> Theta,
    IReadOnlyList<GroupRandomEffects> RandomEffects,
    bool Converged,
    bool Singular,
    int Iterations)
{
    public double ResidualSd => Math.Sqrt(ResidualVariance);

    /// <summary>Conditional modes of the outer grouping factor's intercepts in a nested fit; empty otherwise.</summary>
    public IReadOnlyList<GroupRandomEffects> OuterRandomEffects { get; init; } = [];

    public FixedEffect Fixed(string term) => FixedEffects.Single(f => f.Term == term);

    public VarianceComponent Variance(string term) => VarianceComponents.Single(v => v.Term == term);

    public VarianceComponent Variance(string group, string term) => VarianceComponents.Single(v => v.Group == group && v.Term == term);
}
