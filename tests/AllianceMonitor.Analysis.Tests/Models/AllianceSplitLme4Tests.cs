using System.Text.Json;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The alliance split three ways and the supervisor view's therapist BLUPs against lme4
/// (tests/fixtures/lme4/fit_alliance_split.R, alliance_split.lme4.json), at the tolerances of the other lme4 fixtures.
/// </summary>
public sealed class AllianceSplitLme4Tests
{
    private static readonly JsonElement Reference = Load();

    public static TheoryData<string, string> Fits() => new()
    {
        { "therapists", "REML" }, { "therapists", "ML" },
        { "therapist_offsets", "REML" }, { "therapist_offsets", "ML" },
        { "medium", "REML" }, { "medium", "ML" },
    };

    [Theory]
    [MemberData(nameof(Fits))]
    public void Split_model_equals_lme4(string dataset, string method)
    {
        var expected = Reference.GetProperty("split").EnumerateArray()
            .Single(s => s.GetProperty("source").GetString() == dataset + ".csv")
            .GetProperty("fits").EnumerateArray().Single(f => f.GetProperty("method").GetString() == method);
        var result = AllianceSplit.Fit(Lme4Fixture.Observations(dataset), method == "REML" ? FitMethod.Reml : FitMethod.Ml);
        var fit = result.Fit;

        Assert.True(fit.Converged);
        Assert.Equal(expected.GetProperty("n_observations").GetInt32(), fit.ObservationCount);
        Assert.Equal(expected.GetProperty("n_patients").GetInt32(), fit.GroupCount);
        Assert.Equal(expected.GetProperty("n_therapists").GetInt32(), result.Therapists);
        Assert.Equal(expected.GetProperty("singular").GetBoolean(), fit.Singular);
        Tolerance.Close(expected.GetProperty("log_likelihood").GetDouble(), fit.LogLikelihood, 0, 1e-6, "log-likelihood");
        Tolerance.Close(expected.GetProperty("residual_variance").GetDouble(), fit.ResidualVariance, 1e-4, 1e-10, "residual variance");
        foreach (var e in expected.GetProperty("fixed_effects").EnumerateArray())
        {
            var term = e.GetProperty("term").GetString()!;
            Tolerance.Close(e.GetProperty("estimate").GetDouble(), fit.Fixed(term).Estimate, 1e-5, 1e-7, $"{term} estimate");
            Tolerance.Close(e.GetProperty("std_error").GetDouble(), fit.Fixed(term).StdError, 1e-5, 1e-7, $"{term} std error");
        }

        foreach (var e in expected.GetProperty("random_effects").EnumerateArray())
        {
            if (e.TryGetProperty("variance", out var variance))
            {
                var (group, term) = (e.GetProperty("group").GetString()!, e.GetProperty("term").GetString()!);
                Tolerance.Close(variance.GetDouble(), fit.Variance(group, term).Variance, 1e-4, 1e-9 * fit.ResidualVariance, $"{group} {term} variance");
            }
        }

        // The difference therapist - patient, from lme4's vcov: V_tt + V_pp - 2 V_tp.
        var names = expected.GetProperty("fixed_effects").EnumerateArray().Select(f => f.GetProperty("term").GetString()).ToList();
        var (t, p) = (names.IndexOf(AllianceSplit.TherapistTerm), names.IndexOf(AllianceSplit.PatientTerm));
        var v = expected.GetProperty("vcov").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        var estimates = expected.GetProperty("fixed_effects").EnumerateArray().Select(f => f.GetProperty("estimate").GetDouble()).ToArray();
        Tolerance.Close(estimates[t] - estimates[p], result.TherapistMinusPatient.Estimate, 1e-5, 1e-7, "difference");
        Tolerance.Close(Math.Sqrt(v[t][t] + v[p][p] - (2 * v[t][p])), result.TherapistMinusPatient.StdError, 1e-5, 1e-7, "difference std error");
    }

    [Theory]
    [InlineData("therapists")]
    [InlineData("therapist_offsets")]
    public void Therapist_levels_and_conditional_sds_equal_lme4_condvar(string dataset)
    {
        var expected = Reference.GetProperty("therapist_blups").EnumerateArray().Single(s => s.GetProperty("source").GetString() == dataset + ".csv");
        var levels = TherapistAllianceLevels.Fit(Lme4Fixture.Observations(dataset), 3);
        var ids = expected.GetProperty("levels").EnumerateArray().Select(x => x.GetString()!).ToArray();
        var effects = Lme4Fit.Vector(expected.GetProperty("effects"));
        var sds = Lme4Fit.Vector(expected.GetProperty("conditional_sd"));
        var intercept = expected.GetProperty("intercept").GetDouble();

        Assert.Equal(ids, levels.Therapists.Select(l => l.TherapistId));
        Tolerance.Close(intercept, levels.ClinicMean, 1e-6, 1e-8, "clinic mean");
        for (var i = 0; i < ids.Length; i++)
        {
            var level = levels.Therapists[i];
            Tolerance.Close(intercept + effects[i], level.Level, 1e-6, 1e-6, $"{ids[i]} level");
            Tolerance.Close(sds[i], level.ConditionalSd, 1e-4, 1e-8, $"{ids[i]} conditional SD");
            Assert.Equal(level.Level - (1.959963984540054 * level.ConditionalSd), level.CiLow, 12);
        }
    }

    [Fact]
    public void Closed_form_levels_equal_the_engines_conditional_modes()
    {
        var observations = Lme4Fixture.Observations("therapist_offsets");
        var levels = TherapistAllianceLevels.Fit(observations, 3);
        var fit = MixedModelFitter.Fit(TherapistShare.BuildSpec(observations, ShareMeasure.Alliance, 3), FitMethod.Reml);
        var modes = fit.OuterRandomEffects.ToDictionary(g => g.Group, g => g.Effects[0]);
        Assert.All(levels.Therapists, l => Assert.Equal(levels.ClinicMean + modes[l.TherapistId], l.Level, 9));
    }

    private static JsonElement Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Lme4Fixture.PathOf("alliance_split.lme4.json")));
        return document.RootElement.Clone();
    }
}
