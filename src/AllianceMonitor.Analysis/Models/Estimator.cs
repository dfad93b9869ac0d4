using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Models;

/// <summary>How a lagged model handles the patient's own stable level; every reported number names the one that produced it.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<Estimator>))]
public enum Estimator
{
    /// <summary>Predictors and the lagged outcome centred on the patient's mean over all sessions (Curran &amp; Bauer 2011).</summary>
    PersonMeanCentred,

    /// <summary>
    /// The raw lagged outcome with the patient's first outcome and mean predictor as patient-level covariates
    /// (Wooldridge 2005): free of the short-series bias of a centred lagged outcome (Nickell 1981).
    /// </summary>
    InitialConditions,

    /// <summary>
    /// The outcome and the predictor at the next session modelled together, each with its initial conditions and
    /// correlated random effects per patient (<see cref="JointModel"/>): unbiased when the outcome feeds back into the
    /// predictor, where the other two are not. Its intervals are cluster-robust Wald intervals (<see cref="JointFit.RobustFixed"/>).
    /// </summary>
    JointInitialConditions,
}
