using System.Text.Json;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary><c>analyze --therapist-level</c>: the library's nested lagged fits, printed in the report's shape.</summary>
public sealed class AnalyzeTherapistLevelTests
{
    [Theory]
    [InlineData("reml", "REML")]
    [InlineData("ml", "ML")]
    public void Therapist_level_prints_the_library_nested_fits_equal_to_lme4(string option, string method)
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("therapists.csv"), "--method", option, "--therapist-level");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var models = report.RootElement.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["alliance_to_symptoms_nested", "symptoms_to_alliance_nested"], models.Select(m => m.GetProperty("name").GetString()));
        // Only the person-mean-centred estimator has a nested form, so there is nothing to compare.
        Assert.Empty(report.RootElement.GetProperty("comparisons").EnumerateArray());
        Assert.True(report.RootElement.TryGetProperty("null_model", out _));
        foreach (var model in models)
        {
            var name = model.GetProperty("name").GetString()!;
            Assert.Equal("person_mean_centred", model.GetProperty("estimator").GetString());
            Assert.Contains("(1 | therapist_id) + (1 + ", model.GetProperty("formula").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("| therapist_id:patient_id)", model.GetProperty("formula").GetString(), StringComparison.Ordinal);
            AssertEqualsLibraryFit(Specs.Fit("therapists", name, method), model);
            AssertMatchesLme4(Lme4Fixture.Fit("therapists", name, method), model);
        }
    }

    [Fact]
    public void Initial_conditions_estimator_is_rejected_with_therapist_level()
    {
        var result = CliRunner.Run(
            "analyze", "--input", Lme4Fixture.PathOf("therapists.csv"), "--therapist-level", "--estimator", "initial-conditions");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("initial-conditions estimator has no nested form", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
    }

    public static TheoryData<string, string> TooFewTherapists => new()
    {
        {
            "patient_id,therapist_id,session,alliance,symptoms\na,,1,4,10\na,,2,4,11\na,,3,5,9\nb,,1,3,12\nb,,2,3,11\nb,,3,4,10\nc,,1,4,10\nc,,2,5,9\nc,,3,5,8\n",
            "therapist_id column filled in"
        },
        {
            "patient_id,therapist_id,session,alliance,symptoms\na,t1,1,4,10\na,t1,2,4,11\na,t1,3,5,9\nb,t2,1,3,12\nb,t2,2,3,11\nb,t2,3,4,10\nc,t2,1,4,10\nc,t2,2,5,9\nc,t2,3,5,8\n",
            "at least 3 therapists; the data name 2"
        },
    };

    [Theory]
    [MemberData(nameof(TooFewTherapists))]
    public void Data_without_enough_therapists_print_one_line_and_exit_2(string csv, string expectedFragment)
    {
        var path = CliRunner.TempCsv(csv);
        try
        {
            var result = CliRunner.Run("analyze", "--input", path, "--therapist-level");

            Assert.Equal(2, result.ExitCode);
            Assert.Equal(string.Empty, result.Stdout);
            Assert.Contains("--therapist-level", result.Stderr, StringComparison.Ordinal);
            Assert.Contains(expectedFragment, result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Small_fixture_with_one_therapist_is_rejected()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--therapist-level");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("at least 3 therapists", result.Stderr, StringComparison.Ordinal);
    }

    private static void AssertEqualsLibraryFit(MixedModelFit expected, JsonElement model)
    {
        Assert.Equal(expected.Method == FitMethod.Reml ? "REML" : "ML", model.GetProperty("method").GetString());
        Assert.Equal(expected.ObservationCount, model.GetProperty("n_observations").GetInt32());
        Assert.Equal(expected.GroupCount, model.GetProperty("n_patients").GetInt32());
        var effects = model.GetProperty("fixed_effects").EnumerateArray().ToArray();
        Assert.Equal(expected.FixedEffects.Select(f => f.Term), effects.Select(e => e.GetProperty("term").GetString()));
        for (var i = 0; i < effects.Length; i++)
        {
            Assert.Equal(expected.FixedEffects[i].Estimate, effects[i].GetProperty("estimate").GetDouble());
            Assert.Equal(expected.FixedEffects[i].StdError, effects[i].GetProperty("std_error").GetDouble());
        }

        var variances = model.GetProperty("random_effects").EnumerateArray().Where(r => r.TryGetProperty("variance", out _)).ToArray();
        Assert.Equal(expected.VarianceComponents.Select(v => (v.Group, v.Term)), variances.Select(v => (v.GetProperty("group").GetString()!, v.GetProperty("term").GetString()!)));
        Assert.Equal(expected.VarianceComponents.Select(v => v.Variance), variances.Select(v => v.GetProperty("variance").GetDouble()));
        Assert.Equal(expected.ResidualVariance, model.GetProperty("residual_variance").GetDouble());
        Assert.Equal(expected.LogLikelihood, model.GetProperty("log_likelihood").GetDouble());
        Assert.Equal(expected.Converged, model.GetProperty("converged").GetBoolean());
    }

    private static void AssertMatchesLme4(Lme4Fit reference, JsonElement model)
    {
        Assert.Equal(reference.Json.GetProperty("n_observations").GetInt32(), model.GetProperty("n_observations").GetInt32());
        Assert.Equal(reference.Json.GetProperty("n_patients").GetInt32(), model.GetProperty("n_patients").GetInt32());
        var expectedEffects = reference.Json.GetProperty("fixed_effects").EnumerateArray().ToArray();
        var actualEffects = model.GetProperty("fixed_effects").EnumerateArray().ToArray();
        Assert.Equal(expectedEffects.Length, actualEffects.Length);
        for (var i = 0; i < expectedEffects.Length; i++)
        {
            Assert.Equal(expectedEffects[i].GetProperty("term").GetString(), actualEffects[i].GetProperty("term").GetString());
            Tolerance.Close(expectedEffects[i].GetProperty("estimate").GetDouble(), actualEffects[i].GetProperty("estimate").GetDouble(), 1e-5, 1e-7, "estimate");
            Tolerance.Close(expectedEffects[i].GetProperty("std_error").GetDouble(), actualEffects[i].GetProperty("std_error").GetDouble(), 1e-5, 1e-7, "std error");
        }

        Tolerance.Close(reference.Number("log_likelihood"), model.GetProperty("log_likelihood").GetDouble(), 0, 1e-6, "log-likelihood");
        var residual = model.GetProperty("residual_variance").GetDouble();
        Tolerance.Close(reference.Number("residual_variance"), residual, 1e-4, 1e-10, "residual variance");
        var variances = model.GetProperty("random_effects").EnumerateArray().Where(r => r.TryGetProperty("variance", out _)).ToArray();
        var expectedVariances = reference.Json.GetProperty("random_effects").EnumerateArray().Where(r => r.TryGetProperty("variance", out _)).ToArray();
        Assert.Contains(variances, v => v.GetProperty("group").GetString() == LaggedModelDefinition.TherapistGroupName);
        Assert.Equal(expectedVariances.Length, variances.Length);
        foreach (var expected in expectedVariances)
        {
            var group = expected.GetProperty("group").GetString();
            var term = expected.GetProperty("term").GetString();
            var actual = variances.Single(v => v.GetProperty("group").GetString() == group && v.GetProperty("term").GetString() == term);
            Tolerance.Close(expected.GetProperty("variance").GetDouble(), actual.GetProperty("variance").GetDouble(), 1e-4, 1e-9 * residual, $"{group} {term} variance");
        }
    }
}
