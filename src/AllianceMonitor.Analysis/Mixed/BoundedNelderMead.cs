namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// Nelder-Mead simplex search with trial points projected onto the lower bounds, so a variance
/// parameter can land exactly on zero (a singular fit). The simplex is restarted around the best
/// point until a restart no longer improves the objective, which guards against the method's
/// known premature collapse.
/// </summary>
/// <param name="SimplexTolerance">Stop when every vertex lies within this distance (max norm) of the best one.</param>
/// <param name="ValueTolerance">Relative spread of objective values across the simplex below which the search stops.</param>
/// <param name="MaxEvaluations">Evaluation budget over all restarts.</param>
/// <param name="MaxRestarts">Restarts after the first convergence; each stops early if it gains nothing.</param>
public sealed record BoundedNelderMead(
    double SimplexTolerance = 1e-10,
    double ValueTolerance = 1e-15,
    int MaxEvaluations = 20_000,
    int MaxRestarts = 8) : IBoundedOptimizer
{
    private const double InitialStep = 0.25;
    private const double RestartStep = 0.02;

    public OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds)
    {
        var evaluations = 0;
        double Count(double[] x)
        {
            evaluations++;
            var f = objective(x);
            return double.IsNaN(f) ? double.PositiveInfinity : f;
        }

        var best = Project(start, lowerBounds);
        var bestValue = Count(best);
        var reason = OptimizerStopReason.MaxEvaluations;
        var iterations = 0;
        var step = InitialStep;
        for (var restart = 0; restart <= MaxRestarts; restart++)
        {
            var (x, f, stop) = Search(Count, best, bestValue, lowerBounds, step, () => evaluations, ref iterations);
            var improvement = bestValue - f;
            best = x;
            bestValue = f;
            reason = stop;
            if (stop == OptimizerStopReason.MaxEvaluations
                || (restart > 0 && improvement <= ValueTolerance * Math.Max(1, Math.Abs(f)) * 16))
            {
                break;
            }

            step = RestartStep;
        }

        return new OptimizationResult(best, bestValue, evaluations, iterations, reason);
    }

    /// <summary>One simplex search; <paramref name="iterations"/> counts its moves (reflect, expand, contract or shrink).</summary>
    private (double[] X, double F, OptimizerStopReason Stop) Search(
        Func<double[], double> f, double[] start, double startValue, double[] lower, double step, Func<int> evaluations, ref int iterations)
    {
        var n = start.Length;
        var vertices = new double[n + 1][];
        var values = new double[n + 1];
        vertices[0] = (double[])start.Clone();
        values[0] = startValue;
        for (var i = 0; i < n; i++)
        {
            var v = (double[])start.Clone();
            var h = Math.Max(step, step * Math.Abs(start[i]));
            // Step away from a bound rather than into it, so the simplex is never degenerate.
            v[i] = v[i] + h;
            vertices[i + 1] = v;
            values[i + 1] = f(v);
        }

        var centroid = new double[n];
        while (evaluations() < MaxEvaluations)
        {
            Order(vertices, values);
            if (Diameter(vertices) <= SimplexTolerance)
            {
                return (vertices[0], values[0], OptimizerStopReason.ParameterTolerance);
            }

            if (values[n] - values[0] <= ValueTolerance * Math.Abs(values[0]))
            {
                return (vertices[0], values[0], OptimizerStopReason.FunctionTolerance);
            }

            iterations++;

            Array.Clear(centroid);
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < n; k++)
                {
                    centroid[k] += vertices[i][k] / n;
                }
            }

            var reflected = Project(Affine(centroid, vertices[n], -1), lower);
            var fr = f(reflected);
            if (fr < values[0])
            {
                var expanded = Project(Affine(centroid, vertices[n], -2), lower);
                var fe = f(expanded);
                (vertices[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1])
            {
                (vertices[n], values[n]) = (reflected, fr);
            }
            else
            {
                var outside = fr < values[n];
                var contracted = Project(Affine(centroid, outside ? reflected : vertices[n], 0.5), lower);
                var fc = f(contracted);
                if (fc < Math.Min(fr, values[n]))
                {
                    (vertices[n], values[n]) = (contracted, fc);
                }
                else
                {
                    for (var i = 1; i <= n; i++)
                    {
                        vertices[i] = Project(Affine(vertices[0], vertices[i], 0.5), lower);
                        values[i] = f(vertices[i]);
                    }
                }
            }
        }

        Order(vertices, values);
        return (vertices[0], values[0], OptimizerStopReason.MaxEvaluations);
    }

    /// <summary>centroid + coefficient * (point - centroid).</summary>
    private static double[] Affine(double[] centroid, double[] point, double coefficient)
    {
        var result = new double[centroid.Length];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = centroid[k] + (coefficient * (point[k] - centroid[k]));
        }

        return result;
    }

    private static double[] Project(double[] x, double[] lower)
    {
        var result = new double[x.Length];
        for (var k = 0; k < x.Length; k++)
        {
            result[k] = Math.Max(x[k], lower[k]);
        }

        return result;
    }

    private static void Order(double[][] vertices, double[] values) => Array.Sort(values, vertices);

    private static double Diameter(double[][] vertices)
    {
        var diameter = 0.0;
        for (var i = 1; i < vertices.Length; i++)
        {
            for (var k = 0; k < vertices[0].Length; k++)
            {
                diameter = Math.Max(diameter, Math.Abs(vertices[i][k] - vertices[0][k]));
            }
        }

        return diameter;
    }
}
