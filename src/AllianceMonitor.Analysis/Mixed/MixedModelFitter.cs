namespace AllianceMonitor.Analysis.Mixed;

public static class MixedModelFitter
{
    /// <summary>qnorm(0.975): the Wald interval lme4's <c>confint(method = "Wald")</c> uses.</summary>
    private const double NormalQuantile975 = 1.959963984540054;

    /// <summary>lme4's <c>isSingular</c> default tolerance.</summary>
    private const double SingularTolerance = 1e-4;

    public static MixedModelFit Fit(MixedModelSpec spec, FitMethod method = FitMethod.Reml, IBoundedOptimizer? optimizer = null)
    {
        var deviance = new ProfiledDeviance(spec);
        optimizer ??= NewtonPolishedOptimizer.Default;
        var lower = deviance.LowerBounds();
        var result = optimizer.Minimize(theta => deviance.Evaluate(theta, method), deviance.InitialTheta(), lower);
        var solution = deviance.Solve(result.Minimizer);
        return Summarize(spec, solution, method, result, deviance.ConditionalModes(solution), outer: null);
    }

    /// <summary>
    /// Fits <c>(1 | outer) + (random terms | outer:inner)</c>: the spec's groups must be nested in
    /// <paramref name="outerGroups"/> (one label per observation), e.g. patients within therapists.
    /// The outer random intercept is reported as an extra variance component and in
    /// <see cref="MixedModelFit.OuterRandomEffects"/>.
    /// </summary>
    public static MixedModelFit FitNested(
        MixedModelSpec spec,
        string outerGroupName,
        IReadOnlyList<string> outerGroups,
        FitMethod method = FitMethod.Reml,
        IBoundedOptimizer? optimizer = null)
    {
        var deviance = new NestedProfiledDeviance(spec, outerGroupName, outerGroups);
        optimizer ??= NewtonPolishedOptimizer.Default;
        var result = optimizer.Minimize(theta => deviance.Evaluate(theta, method), deviance.InitialTheta(), deviance.LowerBounds());
        var solution = deviance.Solve(result.Minimizer);
        var (inner, outer) = deviance.ConditionalModes(solution);
        var outerLevel = new OuterLevel(outerGroupName, deviance.OuterLevels, solution.Theta[deviance.InnerThetaLength], outer);
        return Summarize(spec, solution, method, result, inner, outerLevel);
    }

    private sealed record OuterLevel(string GroupName, IReadOnlyList<string> Levels, double RelativeSd, double[] Modes);

    private static MixedModelFit Summarize(
        MixedModelSpec spec,
        ProfiledSolution solution,
        FitMethod method,
        OptimizationResult optimization,
        double[] modes,
        OuterLevel? outer)
    {
        int p = spec.FixedTerms.Count, q = spec.RandomTerms.Count;
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

        Span<double> factor = stackalloc double[q * q];
        SmallDense.RelativeFactorFromTheta(solution.Theta, q, factor);
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

        var components = Enumerable.Range(0, q)
            .Select(r => new VarianceComponent(
                spec.GroupName, spec.RandomTerms[r], sigmaB[(r * q) + r], Math.Sqrt(sigmaB[(r * q) + r])))
            .ToList();
        var correlations = new List<RandomEffectCorrelation>();
        for (var c = 0; c < q; c++)
        {
            for (var r = c + 1; r < q; r++)
            {
                var denominator = components[r].Sd * components[c].Sd;
                correlations.Add(new RandomEffectCorrelation(
                    spec.GroupName, spec.RandomTerms[c], spec.RandomTerms[r],
                    denominator > 0 ? sigmaB[(r * q) + c] / denominator : null));
            }
        }

        var groups = spec.GroupLevels
            .Select((level, g) => new GroupRandomEffects(level, modes.AsSpan(g * q, q).ToArray()))
            .ToArray();

        var singular = IsSingular(solution.Theta, q);
        IReadOnlyList<GroupRandomEffects> outerEffects = [];
        if (outer is not null)
        {
            var variance = sigma2 * outer.RelativeSd * outer.RelativeSd;
            components.Add(new VarianceComponent(outer.GroupName, spec.RandomTerms[0], variance, Math.Sqrt(variance)));
            outerEffects = outer.Levels.Select((level, k) => new GroupRandomEffects(level, [outer.Modes[k]])).ToArray();
            singular |= outer.RelativeSd < SingularTolerance;
        }

        var objective = solution.Objective(method);
        return new MixedModelFit(
            method,
            spec.ObservationCount,
            spec.GroupLevels.Count,
            fixedEffects,
            covariance,
            components,
            correlations,
            sigma2,
            -objective / 2,
            objective,
            solution.Theta,
            groups,
            optimization.Converged,
            singular,
            optimization.Evaluations)
        {
            OuterRandomEffects = outerEffects,
        };
    }

    private static bool IsSingular(double[] theta, int q)
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
