namespace AllianceMonitor.Analysis.Mixed;

/// <summary>Minimizes a function subject to lower bounds, without derivatives.</summary>
public interface IBoundedOptimizer
{
    OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds);
}

/// <param name="Minimizer">Best point found.</param>
/// <param name="Minimum">Objective at <paramref name="Minimizer"/>.</param>
/// <param name="Evaluations">Number of objective evaluations.</param>
/// <param name="Converged">True when the tolerance, not the evaluation budget, stopped the search.</param>
public sealed record OptimizationResult(double[] Minimizer, double Minimum, int Evaluations, bool Converged);
