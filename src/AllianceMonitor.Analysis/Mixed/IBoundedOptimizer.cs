namespace AllianceMonitor.Analysis.Mixed;

/// <summary>Minimizes a function subject to lower bounds, without derivatives.</summary>
public interface IBoundedOptimizer
{
    OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds);
}

/// <summary>Why an optimizer stopped.</summary>
public enum OptimizerStopReason
{
    /// <summary>The objective's change (its spread over the simplex, or the decrease a Newton step gained or predicted) fell below the tolerance.</summary>
    FunctionTolerance,

    /// <summary>The simplex shrank below the parameter tolerance.</summary>
    ParameterTolerance,

    /// <summary>A Newton step failed to lower the objective by less than its rounding noise: the optimum within machine precision.</summary>
    RoundingNoise,

    /// <summary>Every parameter is held on its bound with the gradient pointing outwards.</summary>
    AllOnBounds,

    /// <summary>The evaluation budget ran out first: not converged.</summary>
    MaxEvaluations,
}

/// <param name="Minimizer">Best point found.</param>
/// <param name="Minimum">Objective at <paramref name="Minimizer"/>.</param>
/// <param name="Evaluations">Number of objective evaluations.</param>
/// <param name="Iterations">The optimizer's own iterations (simplex moves, Newton steps), or null for an optimizer that has none.</param>
/// <param name="StopReason">What ended the search.</param>
public sealed record OptimizationResult(double[] Minimizer, double Minimum, int Evaluations, int? Iterations, OptimizerStopReason StopReason)
{
    /// <summary>True when a tolerance, not the evaluation budget, stopped the search.</summary>
    public bool Converged => StopReason != OptimizerStopReason.MaxEvaluations;
}
