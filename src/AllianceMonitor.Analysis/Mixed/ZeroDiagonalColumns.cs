namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// theta holds each term's relative covariance factor column by column, the lower triangle with the diagonal bounded
/// below by zero (<see cref="ProfiledDeviance.LowerBounds"/>). Where a diagonal entry is zero the factor is not unique:
/// that column is (0, ..., 0, l) and l l' = (-l)(-l)', so negating the entries below the zero gives the same covariance and
/// the same objective. An optimizer that holds the diagonal on its bound checks only that the objective rises into the
/// interior along it, and the first-order change of the covariance along that diagonal is l's entries (the covariances
/// with the later effects), so the test passes with one sign of l and fails with the other: a point can look like a
/// constrained optimum and be a saddle of the covariance. (Seen on SessionSimulator's seed 5, ML: the joint optimization
/// held the second diagonal at zero with -1.19 below it at an objective 0.53 above the fit with +3.70 below a diagonal of
/// 0.0076, which it found once the sign was turned.)
/// </summary>
public static class ZeroDiagonalColumns
{
    /// <summary>How far into the interior the diagonal is moved to test the other sign: the Newton polish's step.</summary>
    private static readonly double Step = NewtonPolishedOptimizer.Default.Step;

    /// <summary>Each column of each term's factor: the index of its diagonal entry in theta and of the entries below it.</summary>
    public static IReadOnlyList<(int Diagonal, int[] Below)> Of(MixedModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var columns = new List<(int, int[])>();
        var k = 0;
        foreach (var term in spec.RandomEffects)
        {
            for (var j = 0; j < term.Q; j++)
            {
                columns.Add((k, Enumerable.Range(k + 1, term.Q - j - 1).ToArray()));
                k += term.Q - j;
            }
        }

        return columns;
    }

    /// <summary>
    /// <paramref name="result"/> when it did not converge (the budget is spent). Otherwise, when at a diagonal on zero (or
    /// within a step of it) the objective falls into the interior once the entries below it are negated, the optimization
    /// is restarted from there and kept if it ends lower; repeated until no column's other sign descends (each column is
    /// turned at most once, so it ends). The evaluations and iterations include the tests and the restarts.
    /// </summary>
    /// <param name="optimizer">The optimizer that gave <paramref name="result"/>.</param>
    /// <param name="objective">Its objective; theta is its first coordinates (any further ones, e.g. log(scale), are kept).</param>
    /// <param name="result">The optimization to check.</param>
    /// <param name="lowerBounds">Its bounds.</param>
    /// <param name="columns">theta's columns (<see cref="Of"/>).</param>
    public static OptimizationResult Released(
        IBoundedOptimizer optimizer, Func<double[], double> objective, OptimizationResult result, double[] lowerBounds,
        IReadOnlyList<(int Diagonal, int[] Below)> columns)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(columns);
        if (!result.Converged)
        {
            return result;
        }

        var current = result;
        var evaluations = result.Evaluations;
        var iterations = result.Iterations;
        var turned = new bool[columns.Count];
        for (var round = 0; round < columns.Count; round++)
        {
            var moved = false;
            for (var c = 0; c < columns.Count && !moved; c++)
            {
                var (diagonal, below) = columns[c];
                var x = current.Minimizer;
                // Within a step of the bound counts as on it: a simplex that finished the optimization ends there, not on it.
                if (turned[c] || x[diagonal] - lowerBounds[diagonal] > Step || below.All(i => x[i] == 0))
                {
                    continue;
                }

                turned[c] = true;
                var inside = (double[])x.Clone();
                foreach (var i in below)
                {
                    inside[i] = -inside[i];
                }

                inside[diagonal] = lowerBounds[diagonal] + Step;
                evaluations++;
                if (!(objective(inside) < current.Minimum))
                {
                    continue;
                }

                var again = optimizer.Minimize(objective, inside, lowerBounds);
                evaluations += again.Evaluations;
                iterations += again.Iterations;
                if (again.Minimum < current.Minimum)
                {
                    current = again;
                    moved = true;
                }
            }

            if (!moved)
            {
                break;
            }
        }

        return current with { Evaluations = evaluations, Iterations = iterations };
    }
}
