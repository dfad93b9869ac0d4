namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// Runs a coarse derivative-free search, then Newton steps on finite-difference derivatives.
/// Near the optimum the profiled deviance is close to quadratic, so a few Newton steps reach the
/// precision that a simplex would need hundreds of evaluations for. Coordinates sitting on their
/// bound with the gradient pushing outwards are held there (an active set), so singular fits
/// stay exactly on the boundary.
/// </summary>
/// <param name="Coarse">The global, derivative-free phase.</param>
/// <param name="Step">Finite-difference step.</param>
/// <param name="MaxNewtonSteps">Newton iterations after the coarse phase.</param>
public sealed record NewtonPolishedOptimizer(IBoundedOptimizer Coarse, double Step = 1e-4, int MaxNewtonSteps = 4) : IBoundedOptimizer
{
    private const double StepTolerance = 1e-9;

    /// <summary>A gain this small relative to the objective is rounding noise: the quadratic model has nothing left to give.</summary>
    private const double RelativeGainTolerance = 1e-13;

    public static NewtonPolishedOptimizer Default { get; } = new(new BoundedNelderMead(SimplexTolerance: 1e-4));

    public OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds)
    {
        var coarse = Coarse.Minimize(objective, start, lowerBounds);
        var evaluations = coarse.Evaluations;
        double F(double[] x)
        {
            evaluations++;
            return objective(x);
        }

        var x = (double[])coarse.Minimizer.Clone();
        var fx = coarse.Minimum;
        for (var iteration = 0; iteration < MaxNewtonSteps; iteration++)
        {
            var free = FreeCoordinates(F, x, fx, lowerBounds);
            if (free.Length == 0)
            {
                break;
            }

            if (free.Any(i => x[i] - Step < lowerBounds[i]))
            {
                break; // Too close to a bound for central differences; keep the coarse answer.
            }

            var (gradient, hessian) = Derivatives(F, x, fx, free);
            var direction = SolveNewton(hessian, gradient, free.Length);
            if (direction is null)
            {
                break;
            }

            var improved = false;
            var previous = fx;
            for (var scale = 1.0; scale >= 0.125; scale /= 2)
            {
                var trial = (double[])x.Clone();
                for (var k = 0; k < free.Length; k++)
                {
                    trial[free[k]] = Math.Max(lowerBounds[free[k]], x[free[k]] + (scale * direction[k]));
                }

                var ft = F(trial);
                if (ft < fx)
                {
                    x = trial;
                    fx = ft;
                    improved = true;
                    break;
                }
            }

            if (!improved
                || direction.Max(Math.Abs) < StepTolerance
                || previous - fx <= RelativeGainTolerance * Math.Abs(fx))
            {
                break;
            }
        }

        return new OptimizationResult(x, fx, evaluations, coarse.Converged);
    }

    /// <summary>Coordinates not pinned to their bound; a pinned one is set exactly onto the bound.</summary>
    private int[] FreeCoordinates(Func<double[], double> f, double[] x, double fx, double[] lower)
    {
        var free = new List<int>();
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] - lower[i] > Step)
            {
                free.Add(i);
                continue;
            }

            var onBound = (double[])x.Clone();
            onBound[i] = lower[i];
            var inside = (double[])onBound.Clone();
            inside[i] = lower[i] + Step;
            var fb = f(onBound);
            if (fb <= fx && f(inside) >= fb)
            {
                x[i] = lower[i];
            }
            else
            {
                free.Add(i);
            }
        }

        return [.. free];
    }

    private (double[] Gradient, double[] Hessian) Derivatives(Func<double[], double> f, double[] x, double fx, int[] free)
    {
        var m = free.Length;
        var h = Step;
        var gradient = new double[m];
        var hessian = new double[m * m];
        double Shifted(int a, double da, int b, double db)
        {
            var y = (double[])x.Clone();
            y[free[a]] += da;
            y[free[b]] += db;
            return f(y);
        }

        for (var a = 0; a < m; a++)
        {
            var plus = Shifted(a, h, a, 0);
            var minus = Shifted(a, -h, a, 0);
            gradient[a] = (plus - minus) / (2 * h);
            hessian[(a * m) + a] = (plus - (2 * fx) + minus) / (h * h);
            for (var b = 0; b < a; b++)
            {
                var cross = (Shifted(a, h, b, h) - Shifted(a, h, b, -h) - Shifted(a, -h, b, h) + Shifted(a, -h, b, -h)) / (4 * h * h);
                hessian[(a * m) + b] = cross;
                hessian[(b * m) + a] = cross;
            }
        }

        return (gradient, hessian);
    }

    /// <summary>-H^-1 g, or null when H is not positive definite (not yet in the quadratic basin).</summary>
    private static double[]? SolveNewton(double[] hessian, double[] gradient, int m)
    {
        if (!SmallDense.CholeskyInPlace(hessian, m))
        {
            return null;
        }

        var direction = gradient.Select(g => -g).ToArray();
        SmallDense.ForwardSolveInPlace(hessian, m, direction, 1);
        SmallDense.BackSolveTransposedInPlace(hessian, m, direction);
        return direction;
    }
}
