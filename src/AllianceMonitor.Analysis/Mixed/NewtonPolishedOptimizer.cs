namespace AllianceMonitor.Analysis.Mixed;

/// <summary>
/// A coarse derivative-free search, then Newton steps on finite-difference derivatives, then, only
/// if Newton could not finish, a fine derivative-free search. Near the optimum the profiled deviance
/// is close to quadratic, so a few Newton steps reach the precision a simplex needs hundreds of
/// evaluations for. Coordinates on their bound with the gradient pushing outwards are held there
/// (an active set), so singular fits stay exactly on the boundary.
/// </summary>
/// <param name="Coarse">Global phase: gets into the basin of the optimum.</param>
/// <param name="Fine">Fallback when the Newton phase stops without converging (e.g. indefinite Hessian, near a bound).</param>
/// <param name="Step">Finite-difference step.</param>
/// <param name="MaxNewtonSteps">Newton iterations after the coarse phase.</param>
public sealed record NewtonPolishedOptimizer(
    IBoundedOptimizer Coarse,
    IBoundedOptimizer Fine,
    double Step = 1e-4,
    int MaxNewtonSteps = 20) : IBoundedOptimizer
{
    /// <summary>
    /// Converged when the Newton decrement (the decrease the quadratic model still predicts) is below
    /// this share of the objective, i.e. at the level of its rounding noise, or below <see cref="AbsoluteGainTolerance"/>.
    /// </summary>
    private const double RelativeGainTolerance = 1e-15;

    private const double AbsoluteGainTolerance = 1e-14;

    /// <summary>
    /// When a Newton step fails to lower the objective although the model predicted a gain below this
    /// share of it, the failure is rounding noise in the objective, not a bad model: we are at the optimum.
    /// </summary>
    private const double NoiseFloor = 1e-12;

    public static NewtonPolishedOptimizer Default { get; } = new(
        new BoundedNelderMead(SimplexTolerance: 1e-2, MaxRestarts: 0),
        new BoundedNelderMead(SimplexTolerance: 1e-10));

    /// <remarks>Iterations are the coarse simplex's moves, plus the Newton steps, plus the fine simplex's moves when it ran.</remarks>
    public OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds)
    {
        var coarse = Coarse.Minimize(objective, start, lowerBounds);
        var evaluations = coarse.Evaluations;
        double F(double[] x)
        {
            evaluations++;
            return objective(x);
        }

        var (x, fx, steps, stop) = Polish(F, coarse.Minimizer, coarse.Minimum, lowerBounds);
        var iterations = coarse.Iterations + steps;
        if (stop is { } reason)
        {
            return new OptimizationResult(x, fx, evaluations, iterations, reason);
        }

        var fine = Fine.Minimize(objective, x, lowerBounds);
        return new OptimizationResult(fine.Minimizer, fine.Minimum, evaluations + fine.Evaluations, iterations + fine.Iterations, fine.StopReason);
    }

    /// <summary>Newton steps from <paramref name="start"/>; the stop reason is null when Newton could not finish.</summary>
    private (double[] X, double F, int Steps, OptimizerStopReason? Stop) Polish(Func<double[], double> f, double[] start, double fStart, double[] lower)
    {
        var x = (double[])start.Clone();
        var fx = fStart;
        double[]? cachedHessian = null;
        int[]? cachedFree = null;
        var modelIsGood = false;
        var probed = new bool[start.Length];
        var steps = 0;
        for (var iteration = 0; iteration < MaxNewtonSteps; iteration++)
        {
            (var free, fx) = FreeCoordinates(f, x, fx, lower);
            if (free.Length == 0)
            {
                return (x, fx, steps, OptimizerStopReason.AllOnBounds);
            }

            var nearBound = free.Where(i => x[i] - Step < lower[i]).ToArray();
            if (nearBound.Length > 0)
            {
                // Too close to a bound for central differences, yet free: the objective falls just inside the bound.
                // Once per coordinate (so the loop ends), search outwards along it and restart Newton from the best point.
                var moved = false;
                foreach (var i in nearBound.Where(i => !probed[i]))
                {
                    probed[i] = true;
                    (x, fx, var better) = ProbeOffBound(f, x, fx, i, lower[i]);
                    moved |= better;
                }

                if (!moved)
                {
                    return (x, fx, steps, null);
                }

                (cachedHessian, modelIsGood) = (null, false);
                continue;
            }

            // Once the quadratic model predicts well, the Hessian barely changes between steps, so it
            // is reused (a chord step needs only the gradient) while full steps keep delivering at
            // least half the predicted gain and the set of free coordinates stays the same.
            var reuse = modelIsGood && cachedHessian is not null && cachedFree!.SequenceEqual(free);
            double[] gradient, hessian;
            if (reuse)
            {
                gradient = Gradient(f, x, free);
                hessian = (double[])cachedHessian!.Clone();
            }
            else
            {
                (gradient, hessian) = Derivatives(f, x, fx, free);
                (cachedHessian, cachedFree) = ((double[])hessian.Clone(), free);
            }

            steps++;
            var direction = SolveNewton(hessian, gradient, free.Length);
            if (direction is null)
            {
                return (x, fx, steps, null);
            }

            var predictedGain = 0.0;
            for (var k = 0; k < free.Length; k++)
            {
                predictedGain -= 0.5 * gradient[k] * direction[k];
            }

            var negligible = Math.Max(AbsoluteGainTolerance, RelativeGainTolerance * Math.Abs(fx));
            if (predictedGain <= negligible)
            {
                return (x, fx, steps, StationaryAtFinerStep(f, x, fx, free, cachedHessian!, lower) ? OptimizerStopReason.FunctionTolerance : null);
            }

            var previous = fx;
            var improved = false;
            var fullStep = false;
            for (var scale = 1.0; scale >= 0.125 && !improved; scale /= 2)
            {
                fullStep = scale == 1.0;
                var trial = (double[])x.Clone();
                for (var k = 0; k < free.Length; k++)
                {
                    trial[free[k]] = Math.Max(lower[free[k]], x[free[k]] + (scale * direction[k]));
                }

                var ft = f(trial);
                if (ft < fx)
                {
                    (x, fx, improved) = (trial, ft, true);
                }
            }

            if (improved)
            {
                (x, fx) = TryBounds(f, x, fx, free, gradient, direction, lower);
            }

            modelIsGood = improved && fullStep && previous - fx >= 0.5 * predictedGain;
            if (improved && previous - fx <= negligible)
            {
                return (x, fx, steps, StationaryAtFinerStep(f, x, fx, free, cachedHessian!, lower) ? OptimizerStopReason.FunctionTolerance : null);
            }

            if (!improved && reuse)
            {
                cachedHessian = null; // Retry from the same point with a fresh Hessian.
                continue;
            }

            if (!improved && predictedGain <= NoiseFloor * Math.Abs(fx))
            {
                return (x, fx, steps, StationaryAtFinerStep(f, x, fx, free, cachedHessian!, lower) ? OptimizerStopReason.RoundingNoise : null);
            }

            if (!improved)
            {
                return (x, fx, steps, null);
            }
        }

        return (x, fx, steps, null);
    }

    /// <summary>
    /// Whether the point Newton stopped at is stationary also by central differences at a tenth of the step, judged by the
    /// decrease the quadratic model (the last Hessian) would predict from their gradient. The derivatives are taken with a
    /// fixed step, and where the objective bends on the scale of that step (a theta of 1e-3 or less whose deviance rises
    /// by 2.5 over 0.003), their stationary point is not the objective's: on bench/joint-speed's uniform-noise clinic
    /// (symptoms_to_alliance, 10,000 patients) Newton stopped with differences of 0.004 and 0.013 where the derivatives
    /// were -1.27 and -1.41, 8.6e-6 above the optimum. Then Newton has not finished, and the fine simplex takes over.
    /// Coordinates closer to their bound than that step are left out; a tenth of the step keeps rounding noise in the
    /// gradient below the tolerance for objectives up to about a million.
    /// </summary>
    private bool StationaryAtFinerStep(Func<double[], double> f, double[] x, double fx, int[] free, double[] hessian, double[] lower)
    {
        var h = Step / 10;
        var n = free.Length;
        var inner = Enumerable.Range(0, n).Where(k => x[free[k]] - h >= lower[free[k]]).ToArray();
        var m = inner.Length;
        if (m == 0)
        {
            return true;
        }

        var sub = new double[m * m];
        var gradient = new double[m];
        for (var a = 0; a < m; a++)
        {
            for (var b = 0; b < m; b++)
            {
                sub[(a * m) + b] = hessian[(inner[a] * n) + inner[b]];
            }

            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[free[inner[a]]] += h;
            minus[free[inner[a]]] -= h;
            gradient[a] = (f(plus) - f(minus)) / (2 * h);
        }

        var direction = SolveNewton(sub, gradient, m);
        if (direction is null)
        {
            return false;
        }

        var predictedGain = 0.0;
        for (var a = 0; a < m; a++)
        {
            predictedGain -= 0.5 * gradient[a] * direction[a];
        }

        return predictedGain <= Math.Max(AbsoluteGainTolerance, NoiseFloor * Math.Abs(fx));
    }

    /// <summary>
    /// After a step that moved coordinates towards their bounds with the gradient pushing them there, the point with
    /// those coordinates on their bounds, when it is no worse and would be held there (the objective rises just inside
    /// the bound). A variance component whose optimum is on its bound is approached ever more slowly by Newton steps
    /// (its derivative vanishes there): without this, twenty steps crept from 0.12 to 0.003 and the fine simplex then
    /// took hundreds of evaluations. An optimum just inside the bound fails the second test and is left to Newton.
    /// </summary>
    private (double[] X, double F) TryBounds(
        Func<double[], double> f, double[] x, double fx, int[] free, double[] gradient, double[] direction, double[] lower)
    {
        var toBound = Enumerable.Range(0, free.Length)
            .Where(k => direction[k] < 0 && gradient[k] > 0 && double.IsFinite(lower[free[k]]) && x[free[k]] > lower[free[k]])
            .Select(k => free[k]).ToArray();
        if (toBound.Length == 0)
        {
            return (x, fx);
        }

        var onBounds = (double[])x.Clone();
        foreach (var i in toBound)
        {
            onBounds[i] = lower[i];
        }

        var fb = f(onBounds);
        if (fb > fx)
        {
            return (x, fx);
        }

        foreach (var i in toBound)
        {
            var inside = (double[])onBounds.Clone();
            inside[i] = lower[i] + Step;
            if (f(inside) < fb)
            {
                return (x, fx);
            }
        }

        return (onBounds, fb);
    }

    /// <summary>
    /// Points ever further off the bound along coordinate <paramref name="i"/> (offsets 4, 16, 64, ... times the step), while
    /// the objective keeps falling; then the vertex of a parabola in the squared offset through the best point and its two
    /// neighbours, kept when it is better still. A profiled deviance is even in a diagonal theta near zero, so at the bound
    /// its curvature along the coordinate is negative when the optimum is inside: Newton cannot start there, and a point
    /// barely off the bound can still be on the concave side. In the squared offset the deviance is close to a parabola.
    /// The best point is returned with whether it beats <paramref name="fx"/>.
    /// </summary>
    private (double[] X, double F, bool Better) ProbeOffBound(Func<double[], double> f, double[] x, double fx, int i, double lower)
    {
        const int MaxProbes = 12;
        var offsets = new List<double> { x[i] - lower };
        var values = new List<double> { fx };
        var best = 0;
        double[] At(double offset)
        {
            var y = (double[])x.Clone();
            y[i] = lower + offset;
            return y;
        }

        for (var (k, offset) = (0, 4 * Step); k < MaxProbes; k++, offset *= 4)
        {
            var value = f(At(offset));
            offsets.Add(offset);
            values.Add(value);
            if (!(value < values[best]))
            {
                break;
            }

            best = offsets.Count - 1;
        }

        if (best == 0)
        {
            return (x, fx, false);
        }

        var bestOffset = offsets[best];
        var bestValue = values[best];
        if (best + 1 < offsets.Count)
        {
            var (s0, s1, s2) = (offsets[best - 1] * offsets[best - 1], bestOffset * bestOffset, offsets[best + 1] * offsets[best + 1]);
            var (f0, f1, f2) = (values[best - 1], bestValue, values[best + 1]);
            var numerator = ((s1 - s0) * (s1 - s0) * (f1 - f2)) - ((s1 - s2) * (s1 - s2) * (f1 - f0));
            var denominator = ((s1 - s0) * (f1 - f2)) - ((s1 - s2) * (f1 - f0));
            var vertex = s1 - (0.5 * numerator / denominator);
            if (double.IsFinite(vertex) && vertex > s0 && vertex < s2)
            {
                var offset = Math.Sqrt(vertex);
                var value = f(At(offset));
                if (value < bestValue)
                {
                    (bestOffset, bestValue) = (offset, value);
                }
            }
        }

        return (At(bestOffset), bestValue, true);
    }

    /// <summary>
    /// Coordinates not pinned to their bound; a pinned one is set exactly onto the bound, and the objective returned is
    /// the one there, so that the next step is judged against the point as it now is and the result's minimum is the
    /// objective at its minimizer.
    /// </summary>
    private (int[] Free, double Fx) FreeCoordinates(Func<double[], double> f, double[] x, double fx, double[] lower)
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
                fx = fb;
            }
            else
            {
                free.Add(i);
            }
        }

        return ([.. free], fx);
    }

    private double[] Gradient(Func<double[], double> f, double[] x, int[] free)
    {
        var gradient = new double[free.Length];
        for (var a = 0; a < free.Length; a++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[free[a]] += Step;
            minus[free[a]] -= Step;
            gradient[a] = (f(plus) - f(minus)) / (2 * Step);
        }

        return gradient;
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
