namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The joint (bivariate dynamic random-effects) version of a lagged question: the outcome and the predictor at t + 1 are
/// modelled together, each by its own equation in the raw lagged outcome and predictor at t, the session and the
/// patient's first outcome and predictor (the initial conditions, Wooldridge 2005), with correlated random intercepts
/// and session slopes per patient (the ML-SEM / RI-CLPM idea of Allison, Williams &amp; Moral-Benito 2017).
/// </summary>
/// <remarks>
/// Why: when the outcome feeds back into the later predictor, the predictor is only sequentially exogenous, and any
/// patient-level covariate built from later sessions (the person mean) carries the outcome's earlier errors; the
/// initial-conditions model is then biased. Modelling the predictor's own path lets its later values inform the
/// patient's level through the correlation of the random effects, as the likelihood says, with no look-ahead.
/// The predictor equation also has the outcome at t + 1 (the same session): that factorises the pair's joint density
/// as p(outcome | past) p(predictor | outcome, past), so a same-session correlation of the two errors is absorbed
/// exactly while the outcome equation keeps the cross-lagged meaning of its coefficients. The two equations' residual
/// variances differ (PHQ-9 points against a 1-5 scale); their ratio is estimated by profiling (see <see cref="JointFitter"/>).
/// </remarks>
/// <param name="Lagged">The question: its outcome equation carries the within effect and the carry-over.</param>
/// <param name="OutcomeTrend">A random session slope in the outcome equation (patients improve at different rates).</param>
/// <param name="PredictorTrend">A random session slope in the predictor equation too.</param>
/// <param name="RandomPredictorSlope">A random slope of the raw predictor at t in the outcome equation.</param>
public sealed record JointModel(
    LaggedModelDefinition Lagged, bool OutcomeTrend = false, bool PredictorTrend = false, bool RandomPredictorSlope = true)
{
    public string Name => $"{Lagged.Name}_joint";

    /// <summary>The outcome equation's response: the outcome at t + 1 (e.g. <c>symptoms_next</c>).</summary>
    public string OutcomeEquation => Lagged.Response;

    /// <summary>The predictor equation's response: the predictor at t + 1 (e.g. <c>alliance_next</c>).</summary>
    public string PredictorEquation => $"{Lagged.Predictor}_next";

    /// <summary>The within-patient lagged effect: the outcome equation's coefficient of the raw predictor at t.</summary>
    public string WithinTerm => Term(OutcomeEquation, Lagged.Predictor);

    /// <summary>The carry-over: the outcome equation's coefficient of the raw outcome at t.</summary>
    public string CarryOverTerm => Term(OutcomeEquation, Lagged.Outcome);

    /// <summary>The regressors shared by both equations, in column order.</summary>
    public IReadOnlyList<string> SharedRegressors =>
        [LaggedModelDefinition.Intercept, Lagged.Outcome, Lagged.Predictor, "session", $"{Lagged.Outcome}_first", $"{Lagged.Predictor}_first"];

    /// <summary>The outcome at t + 1 in the predictor equation (same-session dependence).</summary>
    public string ContemporaneousTerm => Term(PredictorEquation, Lagged.Response);

    public IReadOnlyList<string> FixedTerms =>
        [.. SharedRegressors.Select(r => Term(OutcomeEquation, r)), .. SharedRegressors.Select(r => Term(PredictorEquation, r)), ContemporaneousTerm];

    public IReadOnlyList<string> RandomTerms =>
        [
            Term(OutcomeEquation, LaggedModelDefinition.Intercept),
            .. OutcomeTrend ? [Term(OutcomeEquation, "session")] : Array.Empty<string>(),
            .. RandomPredictorSlope ? [WithinTerm] : Array.Empty<string>(),
            Term(PredictorEquation, LaggedModelDefinition.Intercept),
            .. PredictorTrend ? [Term(PredictorEquation, "session")] : Array.Empty<string>(),
        ];

    /// <summary>
    /// The stacked model in lme4 terms: each equation's terms are interactions with its indicator (1 on its rows, 0 on the
    /// other's), and the predictor rows carry the prior weight scale^2.
    /// </summary>
    public string Formula =>
        $"response ~ 0 + {OutcomeEquation}:(1 + {string.Join(" + ", SharedRegressors.Skip(1))})"
        + $" + {PredictorEquation}:(1 + {string.Join(" + ", SharedRegressors.Skip(1))} + {Lagged.Response})"
        + $" + (0 + {string.Join(" + ", RandomTerms)} | {LaggedModelDefinition.GroupName}), weights = scale^2 on the {PredictorEquation} rows";

    /// <summary>A coefficient of one equation, named <c>equation:regressor</c> (lme4's interaction naming with the indicator).</summary>
    public static string Term(string equation, string regressor) => $"{equation}:{regressor}";
}
