namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The initial-conditions (Wooldridge 2005) version of a lagged model. The person-mean-centred lagged outcome is
/// replaced by the raw outcome at t, and the patient's stable level is modelled from the outcome at the patient's first
/// rated session (the initial condition) and the person mean of the predictor (Mundlak 1978), plus the random intercept.
/// Centring a lagged outcome on a mean that includes the future biases it in short series; the raw lag does not.
/// </summary>
/// <remarks>
/// The predictor keeps its within and between parts, the same columns as the person-mean-centred model: within plus
/// between is the raw predictor plus its person mean (a reparametrisation), so the within coefficient is the
/// within-patient effect in both models and the two are compared term by term. The random part is the same too.
/// </remarks>
public sealed record InitialConditionsModel(LaggedModelDefinition Lagged)
{
    public string Name => $"{Lagged.Name}_initial_conditions";

    /// <summary>The outcome at session t, uncentred: its coefficient is the carry-over (autoregression).</summary>
    public string LaggedOutcome => Lagged.Outcome;

    /// <summary>The outcome at the patient's earliest session where it is present.</summary>
    public string InitialOutcome => $"{Lagged.Outcome}_first";

    public IReadOnlyList<string> FixedTerms =>
        [LaggedModelDefinition.Intercept, Lagged.PredictorWithin, Lagged.PredictorBetween, LaggedOutcome, InitialOutcome, "session"];

    public string Formula =>
        $"{Lagged.Response} ~ {Lagged.PredictorWithin} + {Lagged.PredictorBetween} + {LaggedOutcome} + {InitialOutcome} + session"
        + $" + (1 + {Lagged.PredictorWithin} | {LaggedModelDefinition.GroupName})";
}
