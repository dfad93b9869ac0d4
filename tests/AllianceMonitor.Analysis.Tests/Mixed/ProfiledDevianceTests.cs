using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Mixed;

/// <summary>Tier 3: the block-structured profiled objective against an independent dense marginal computation.</summary>
public sealed class ProfiledDevianceTests
{
    public static TheoryData<string, FitMethod, double[]> Cases => new()
    {
        { "alliance_to_symptoms", FitMethod.Reml, [1.0, 0.0, 1.0] },
        { "alliance_to_symptoms", FitMethod.Ml, [0.7, -0.45, 0.3] },
        { "alliance_to_symptoms", FitMethod.Reml, [2.2, 0.9, 0.0] },
        { "symptoms_to_alliance", FitMethod.Ml, [1.3, 0.05, 0.02] },
        { "symptoms_to_alliance", FitMethod.Reml, [0.0, 0.0, 0.4] },
        { "null_model", FitMethod.Reml, [0.6] },
        { "null_model", FitMethod.Ml, [0.0] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_structured_objective_equals_dense_marginal_objective(string model, FitMethod method, double[] theta)
    {
        var spec = Specs.For("small", model);
        var expected = MarginalDeviance.Evaluate(spec, theta, method);
        Tolerance.Close(expected, new ProfiledDeviance(spec).Evaluate(theta, method), 1e-10, 1e-9, "objective");
    }

    [Theory]
    [InlineData(FitMethod.Reml)]
    [InlineData(FitMethod.Ml)]
    public void General_kernel_with_three_random_terms_equals_dense_marginal_objective(FitMethod method)
    {
        // q = 3 takes the general per-group kernel rather than the unrolled q = 2 one.
        var lagged = Specs.For("small", "alliance_to_symptoms");
        var fixedTerms = Enumerable.Range(0, lagged.FixedTerms.Count)
            .Select(c => (lagged.FixedTerms[c], (IReadOnlyList<double>)lagged.FixedColumn(c).ToArray()))
            .ToArray();
        var spec = MixedModelSpec.Create(
            lagged.ResponseName,
            lagged.Response.ToArray(),
            fixedTerms,
            [fixedTerms[0], fixedTerms[1], fixedTerms[3]],
            lagged.RandomEffects[0].GroupName,
            lagged.RandomEffects[0].GroupIndex.ToArray().Select(g => lagged.RandomEffects[0].Levels[g]).ToArray());
        double[] theta = [1.1, -0.3, 0.2, 0.6, 0.05, 0.4];

        var expected = MarginalDeviance.Evaluate(spec, theta, method);
        Tolerance.Close(expected, new ProfiledDeviance(spec).Evaluate(theta, method), 1e-10, 1e-9, "objective");
    }

    [Fact]
    public void Objective_is_minimal_at_the_fitted_theta()
    {
        var spec = Specs.For("medium", "alliance_to_symptoms");
        var fit = MixedModelFitter.Fit(spec);
        var deviance = new ProfiledDeviance(spec);
        var optimum = deviance.Evaluate(fit.Theta.ToArray(), FitMethod.Reml);
        for (var k = 0; k < fit.Theta.Count; k++)
        {
            foreach (var step in new[] { -1e-3, 1e-3 })
            {
                var moved = fit.Theta.ToArray();
                moved[k] += step;
                Assert.True(deviance.Evaluate(moved, FitMethod.Reml) > optimum, $"moving theta[{k}] by {step} lowered the objective");
            }
        }
    }

    [Fact]
    public void Theta_of_the_wrong_length_is_rejected()
    {
        var deviance = new ProfiledDeviance(Specs.For("small", "alliance_to_symptoms"));
        Assert.Throws<ArgumentException>(() => deviance.Evaluate([1.0, 0.0], FitMethod.Reml));
    }
}
