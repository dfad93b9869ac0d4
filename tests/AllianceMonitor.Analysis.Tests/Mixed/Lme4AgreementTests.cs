using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Mixed;

/// <summary>Tier 1 and 2: our objective and our fits against lme4's on the committed fixtures.</summary>
public sealed class Lme4AgreementTests
{
    public static TheoryData<string, string, string> Fits => Lme4Fixture.AllFits();

    [Theory]
    [MemberData(nameof(Fits))]
    public void Objective_at_fixed_theta_equals_lme4_deviance_function(string dataset, string model, string method)
    {
        var reference = Lme4Fixture.Fit(dataset, model, method);
        var deviance = Specs.Objective(dataset, model, method);
        foreach (var (theta, objective) in reference.Probes)
        {
            Tolerance.Close(objective, deviance(theta), 1e-10, 1e-8, $"objective at theta [{string.Join(", ", theta)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Objective_at_lme4_optimum_equals_lme4_criterion(string dataset, string model, string method)
    {
        var reference = Lme4Fixture.Fit(dataset, model, method);
        var deviance = Specs.Objective(dataset, model, method);
        Tolerance.Close(reference.Number("objective"), deviance(reference.Theta), 1e-10, 1e-8, "objective");
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Model_frame_has_lme4_size(string dataset, string model, string method)
    {
        var reference = Lme4Fixture.Fit(dataset, model, method);
        var spec = Specs.For(dataset, model);
        Assert.Equal(reference.Json.GetProperty("n_observations").GetInt32(), spec.ObservationCount);
        Assert.Equal(reference.Json.GetProperty("n_patients").GetInt32(), spec.RandomEffects[0].Levels.Count);
        if (reference.Json.TryGetProperty("n_therapists", out var therapists))
        {
            Assert.Equal(therapists.GetInt32(), Specs.Fit(dataset, model, method).OuterRandomEffects.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Fixed_effects_and_standard_errors_equal_lme4(string dataset, string model, string method)
    {
        var reference = Lme4Fixture.Fit(dataset, model, method);
        var fit = Specs.Fit(dataset, model, method);
        foreach (var expected in reference.Json.GetProperty("fixed_effects").EnumerateArray())
        {
            var term = expected.GetProperty("term").GetString()!;
            var actual = fit.Fixed(term);
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), actual.Estimate, 1e-5, 1e-7, $"{term} estimate");
            Tolerance.Close(expected.GetProperty("std_error").GetDouble(), actual.StdError, 1e-5, 1e-7, $"{term} std error");
        }
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Variance_components_likelihood_and_singularity_equal_lme4(string dataset, string model, string method)
    {
        var reference = Lme4Fixture.Fit(dataset, model, method);
        var fit = Specs.Fit(dataset, model, method);

        Assert.True(fit.Converged);
        Assert.Equal(reference.Json.GetProperty("singular").GetBoolean(), fit.Singular);
        Tolerance.Close(reference.Number("log_likelihood"), fit.LogLikelihood, 0, 1e-6, "log-likelihood");
        Tolerance.Close(reference.Number("objective"), fit.Objective, 0, 2e-6, "criterion");
        Tolerance.Close(reference.Number("residual_variance"), fit.ResidualVariance, 1e-4, 1e-10, "residual variance");
        foreach (var expected in reference.Json.GetProperty("random_effects").EnumerateArray())
        {
            var term = expected.GetProperty("term").GetString()!;
            var group = expected.GetProperty("group").GetString()!;
            if (expected.TryGetProperty("variance", out var variance))
            {
                // A variance lme4 puts on the boundary is (nearly) 0; ours may sit a rounding error away from it.
                Tolerance.Close(variance.GetDouble(), fit.Variance(group, term).Variance, 1e-4, 1e-9 * fit.ResidualVariance, $"{group} {term} variance");
            }
            else
            {
                var correlation = fit.Correlations.Single(c => $"{c.Term1}|{c.Term2}" == term).Correlation;
                if (expected.TryGetProperty("correlation", out var r))
                {
                    Assert.NotNull(correlation);
                    Tolerance.Close(r.GetDouble(), correlation.Value, 1e-4, 1e-4, $"{term} correlation");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Conditional_modes_equal_lme4_ranef(string dataset, string model, string method)
    {
        var reference = Lme4Fixture.Fit(dataset, model, method);
        var fit = Specs.Fit(dataset, model, method);
        foreach (var factor in reference.Json.GetProperty("conditional_modes").EnumerateArray())
        {
            var group = factor.GetProperty("group").GetString()!;
            var ours = (group == "therapist_id" ? fit.OuterRandomEffects : fit.RandomEffects)
                .ToDictionary(r => r.Group, r => r.Effects);
            var levels = factor.GetProperty("levels").EnumerateArray().Select(l => l.GetString()!).ToArray();
            var effects = factor.GetProperty("effects").EnumerateArray().Select(Lme4Fit.Vector).ToArray();
            Assert.Equal(levels.Length, ours.Count);
            for (var i = 0; i < levels.Length; i++)
            {
                for (var term = 0; term < effects[i].Length; term++)
                {
                    // Small modes are judged on the scale of their term's SD, as the variances are (1e-4).
                    var sd = fit.VarianceComponents.Where(v => v.Group == group).ElementAt(term).Sd;
                    Tolerance.Close(effects[i][term], ours[levels[i]][term], 1e-4, Math.Max(1e-4 * sd, 1e-9), $"{group} {levels[i]} effect {term}");
                }
            }
        }
    }
}
