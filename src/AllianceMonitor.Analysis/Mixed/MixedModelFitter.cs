namespace AllianceMonitor.Analysis.Mixed;

public static class MixedModelFitter
{
    /// <summary>qnorm(0.975): the Wald interval lme4's <c>confint(method = "Wald")</c> uses.</summary>
    private const double NormalQuantile975 = 1.959963984540054;

    /// <summary>lme4's <c>isSingular</c> default tolerance.</summary>
    private const double SingularTolerance = 1e-4;

    /// <summary>Fits any spec, one grouping factor or nested ones, by minimizing its <see cref="ProfiledDeviance"/>.</summary>
    /// <param name="spec">The model.</param>
    /// <param name="method">REML (lme4's default) or ML.</param>
    /// <param name="optimizer">Defaults to <see cref="NewtonPolishedOptimizer.Default"/>.</param>
    /// <param name="startTheta">Defaults to lme4's start, identity relative factors.</param>
    /// <param name="cancellationToken">
    /// Looked at before each evaluation of the deviance: a fit of a clinic-size model takes a second or more, and a
    /// service stopping or a caller giving up should not wait for it.
    /// </param>
    /// <exception cref="OperationCanceledException">The token was cancelled before the optimizer was done.</exception>
    public static MixedModelFit Fit(
        MixedModelSpec spec, FitMethod method = FitMethod.Reml, IBoundedOptimizer? optimizer = null, IReadOnlyList<double>? startTheta = null,
        CancellationToken cancellationToken = default)
    {
        var deviance = new ProfiledDeviance(spec);
        optimizer ??= NewtonPolishedOptimizer.Default;
        var start = startTheta?.ToArray() ?? deviance.InitialTheta();
        if (start.Length != deviance.ThetaLength)
        {
            throw new ArgumentException($"The start must have {deviance.ThetaLength} elements.", nameof(startTheta));
        }

        var objective = deviance.Objective(method);
        if (cancellationToken.CanBeCanceled)
        {
            var uncancellable = objective;
            objective = theta =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                return uncancellable(theta);
            };
        }

        var bounds = deviance.LowerBounds();
        // A diagonal held on zero is a constrained optimum only if its column's other sign does not descend either.
        var result = ZeroDiagonalColumns.Released(
            optimizer, objective, optimizer.Minimize(objective, (double[])start.Clone(), bounds), bounds, ZeroDiagonalColumns.Of(spec));
        var solution = deviance.Solve(result.Minimizer);
        var optimization = new FitSummary(start, solution.Theta, result.Evaluations, result.Iterations, result.StopReason);
        return Summarize(spec, solution, method, optimization, deviance.ConditionalModes(solution));
    }

    private static MixedModelFit Summarize(
        MixedModelSpec spec, ProfiledSolution solution, FitMethod method, FitSummary optimization, double[][] modes)
    {
        var p = spec.FixedTerms.Count;
        var sigma2 = solution.ResidualVariance(method);

        var inverse = SmallDense.InverseFromCholesky(solution.FixedFactor, p);
        var covariance = new IReadOnlyList<double>[p];
        var fixedEffects = new FixedEffect[p];
        var coefficients = solution.Coefficients;
        for (var r = 0; r < p; r++)
        {
            covariance[r] = Enumerable.Range(0, p).Select(c => sigma2 * inverse[(r * p) + c]).ToArray();
            var estimate = coefficients[r];
            var se = Math.Sqrt(covariance[r][r]);
            fixedEffects[r] = new FixedEffect(
                spec.FixedTerms[r], estimate, se, estimate / se,
                estimate - (NormalQuantile975 * se), estimate + (NormalQuantile975 * se));
        }

        var components = new List<VarianceComponent>();
        var correlations = new List<RandomEffectCorrelation>();
        var groups = new List<IReadOnlyList<GroupRandomEffects>>();
        var singular = false;
        var offset = 0;
        for (var l = 0; l < spec.RandomEffects.Count; l++)
        {
            var term = spec.RandomEffects[l];
            var theta = solution.Theta.AsSpan(offset, term.ThetaLength);
            offset += term.ThetaLength;
            singular |= IsSingular(theta, term.Q);
            DescribeTerm(term, theta, sigma2, components, correlations);
            var q = term.Q;
            groups.Add(term.Levels.Select((level, g) => new GroupRandomEffects(level, modes[l].AsSpan(g * q, q).ToArray())).ToArray());
        }

        var objective = solution.Objective(method);
        return new MixedModelFit(
            method,
            spec.ObservationCount,
            spec.RandomEffects[0].Levels.Count,
            fixedEffects,
            covariance,
            components,
            correlations,
            sigma2,
            -objective / 2,
            objective,
            solution.Theta,
            groups,
            singular,
            optimization);
    }

    /// <summary>Variances sigma^2 T T' of one term's columns and the correlations between them.</summary>
    private static void DescribeTerm(
        RandomEffectTerm term, ReadOnlySpan<double> theta, double sigma2, List<VarianceComponent> components, List<RandomEffectCorrelation> correlations)
    {
        var q = term.Q;
        Span<double> factor = stackalloc double[q * q];
        SmallDense.RelativeFactorFromTheta(theta, q, factor);
        var sigmaB = new double[q * q];
        for (var r = 0; r < q; r++)
        {
            for (var c = 0; c < q; c++)
            {
                var s = 0.0;
                for (var k = 0; k < q; k++)
                {
                    s += factor[(r * q) + k] * factor[(c * q) + k];
                }

                sigmaB[(r * q) + c] = sigma2 * s;
            }
        }

        var first = components.Count;
        components.AddRange(Enumerable.Range(0, q).Select(r => new VarianceComponent(
            term.GroupName, term.Terms[r], sigmaB[(r * q) + r], Math.Sqrt(sigmaB[(r * q) + r]))));
        for (var c = 0; c < q; c++)
        {
            for (var r = c + 1; r < q; r++)
            {
                var denominator = components[first + r].Sd * components[first + c].Sd;
                correlations.Add(new RandomEffectCorrelation(
                    term.GroupName, term.Terms[c], term.Terms[r], denominator > 0 ? sigmaB[(r * q) + c] / denominator : null));
            }
        }
    }

    private static bool IsSingular(ReadOnlySpan<double> theta, int q)
    {
        var k = 0;
        for (var j = 0; j < q; j++)
        {
            for (var i = j; i < q; i++)
            {
                if (i == j && theta[k] < SingularTolerance)
                {
                    return true;
                }

                k++;
            }
        }

        return false;
    }
}
