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

/// <summary>The optimizer's account of a fit.</summary>
/// <param name="StartTheta">theta the optimizer started from.</param>
/// <param name="FinalTheta">theta it returned (the fit's <see cref="MixedModelFit.Theta"/>).</param>
/// <param name="Evaluations">Objective evaluations, over all of the optimizer's phases.</param>
/// <param name="Iterations">The optimizer's own iterations (see <see cref="OptimizationResult.Iterations"/>); null when it has none.</param>
/// <param name="StopReason">What ended the search.</param>
public sealed record FitSummary(
    IReadOnlyList<double> StartTheta, IReadOnlyList<double> FinalTheta, int Evaluations, int? Iterations, OptimizerStopReason StopReason)
{
    /// <summary>True when a tolerance, not the evaluation budget, stopped the search.</summary>
    public bool Converged => StopReason != OptimizerStopReason.MaxEvaluations;
}

/// <summary>A fitted linear mixed model, with the diagnostics lme4 reports.</summary>
/// <remarks>
/// <para>GroupCount: Levels of the innermost grouping factor (patients).</para>
/// <para>VarianceComponents: Per random-effect term in the spec's order, one per column.</para>
/// <para>Correlations: Per term with more than one column, lme4's order.</para>
/// <para>Objective: The minimized criterion: REML criterion (REML) or deviance, -2 log-likelihood (ML).</para>
/// <para>Theta: lme4's covariance parameters at the optimum (per term, the column-wise lower triangle of its relative factor).</para>
/// <para>FixedEffectsCovariance: lme4's <c>vcov</c>, row by row.</para>
/// <para>ConditionalModes: Per random-effect term, the conditional modes (BLUPs) of its groups.</para>
/// <para>Singular: True when a diagonal element of theta is below 1e-4 (lme4's <c>isSingular</c> rule).</para>
/// <para>Optimization: Start and final theta, evaluations, iterations and why the optimizer stopped.</para>
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
    IReadOnlyList<IReadOnlyList<GroupRandomEffects>> ConditionalModes,
    bool Singular,
    FitSummary Optimization)
{
    public double ResidualSd => Math.Sqrt(ResidualVariance);

    public bool Converged => Optimization.Converged;

    /// <summary>Conditional modes of the innermost grouping factor (patients).</summary>
    public IReadOnlyList<GroupRandomEffects> RandomEffects => ConditionalModes[0];

    /// <summary>Conditional modes of the second grouping factor in a nested fit (therapists); empty otherwise.</summary>
    public IReadOnlyList<GroupRandomEffects> OuterRandomEffects => ConditionalModes.Count > 1 ? ConditionalModes[1] : [];

    public FixedEffect Fixed(string term) => FixedEffects.Single(f => f.Term == term);

    public VarianceComponent Variance(string term) => VarianceComponents.Single(v => v.Term == term);

    public VarianceComponent Variance(string group, string term) => VarianceComponents.Single(v => v.Group == group && v.Term == term);
}
