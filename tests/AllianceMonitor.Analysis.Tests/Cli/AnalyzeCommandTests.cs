using System.Text.Json;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Cli;

public sealed class AnalyzeCommandTests
{
    [Theory]
    [InlineData("reml", "REML")]
    [InlineData("ml", "ML")]
    public void Analyze_prints_the_report_with_lme4_estimates(string option, string method)
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("medium.csv"), "--method", option);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var models = report.RootElement.GetProperty("models").EnumerateArray().ToArray();
        // By default each lagged model comes with both estimators, the person-mean-centred fit first.
        Assert.Equal(
            ["alliance_to_symptoms", "alliance_to_symptoms_initial_conditions", "symptoms_to_alliance", "symptoms_to_alliance_initial_conditions"],
            models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(
            ["person_mean_centred", "initial_conditions", "person_mean_centred", "initial_conditions"],
            models.Select(m => m.GetProperty("estimator").GetString()));
        foreach (var model in models)
        {
            var reference = Lme4Fixture.Fit("medium", model.GetProperty("name").GetString()!, method);
            Assert.Equal(method, model.GetProperty("method").GetString());
            Assert.Equal(reference.Json.GetProperty("n_observations").GetInt32(), model.GetProperty("n_observations").GetInt32());
            Assert.Equal(reference.Json.GetProperty("n_patients").GetInt32(), model.GetProperty("n_patients").GetInt32());
            var expectedEffects = reference.Json.GetProperty("fixed_effects").EnumerateArray().ToArray();
            var actualEffects = model.GetProperty("fixed_effects").EnumerateArray().ToArray();
            Assert.Equal(expectedEffects.Length, actualEffects.Length);
            for (var i = 0; i < expectedEffects.Length; i++)
            {
                Assert.Equal(expectedEffects[i].GetProperty("term").GetString(), actualEffects[i].GetProperty("term").GetString());
                Tolerance.Close(expectedEffects[i].GetProperty("estimate").GetDouble(), actualEffects[i].GetProperty("estimate").GetDouble(), 1e-5, 1e-7, "estimate");
                var se = actualEffects[i].GetProperty("std_error").GetDouble();
                var estimate = actualEffects[i].GetProperty("estimate").GetDouble();
                Assert.Equal(estimate - (1.959963984540054 * se), actualEffects[i].GetProperty("ci_low").GetDouble(), 10);
                Assert.Equal(estimate / se, actualEffects[i].GetProperty("t_value").GetDouble(), 10);
            }

            Tolerance.Close(reference.Number("log_likelihood"), model.GetProperty("log_likelihood").GetDouble(), 0, 1e-6, "log-likelihood");
            var randomEffects = model.GetProperty("random_effects").EnumerateArray().ToArray();
            Assert.Equal(3, randomEffects.Length);
            Assert.True(randomEffects[2].TryGetProperty("correlation", out _));
            Assert.True(model.GetProperty("converged").GetBoolean());
            Assert.True(model.GetProperty("fit_seconds").GetDouble() > 0);
            Assert.Equal(
                method == "REML" ? JsonValueKind.Number : JsonValueKind.Null,
                model.GetProperty("reml_criterion").ValueKind);
        }

        var nullModel = report.RootElement.GetProperty("null_model");
        var nullReference = Lme4Fixture.Fit("medium", "null_model", method);
        Tolerance.Close(nullReference.Number("residual_variance"), nullModel.GetProperty("within_variance").GetDouble(), 1e-4, 1e-10, "within variance");
    }

    [Fact]
    public void Report_has_the_documented_shape()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"));

        Assert.Contains("\"formula\":\"symptoms_next ~ alliance_within + alliance_between", result.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Equal(["models", "comparisons", "null_model"], root.EnumerateObject().Select(p => p.Name));
        var model = root.GetProperty("models")[0];
        Assert.Equal(
            ["name", "estimator", "formula", "method", "n_observations", "n_patients", "fixed_effects", "random_effects",
             "residual_variance", "log_likelihood", "reml_criterion", "converged", "singular", "iterations", "fit_seconds"],
            model.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["term", "estimate", "std_error", "t_value", "ci_low", "ci_high"],
            model.GetProperty("fixed_effects")[0].EnumerateObject().Select(p => p.Name));
        var randomEffects = model.GetProperty("random_effects");
        Assert.Equal(["group", "term", "variance", "sd"], randomEffects[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("(Intercept)|alliance_within", randomEffects[2].GetProperty("term").GetString());
        Assert.Equal(["group", "term", "correlation"], randomEffects[2].EnumerateObject().Select(p => p.Name));
        var comparisons = root.GetProperty("comparisons").EnumerateArray().ToArray();
        Assert.Equal(
            [("alliance_to_symptoms", "within_effect"), ("alliance_to_symptoms", "carry_over"), ("symptoms_to_alliance", "within_effect"), ("symptoms_to_alliance", "carry_over")],
            comparisons.Select(c => (c.GetProperty("model").GetString(), c.GetProperty("quantity").GetString())));
        Assert.Equal(
            ["model", "quantity", "person_mean_centred", "initial_conditions", "anderson_hsiao", "intervals_overlap", "sentence", "check_sentence",
                "joint_initial_conditions", "joint_sentence"],
            comparisons[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["term", "estimate", "std_error", "ci_low", "ci_high", "interval"],
            comparisons[0].GetProperty("person_mean_centred").EnumerateObject().Select(p => p.Name));
        Assert.Equal("symptoms_within", comparisons[1].GetProperty("person_mean_centred").GetProperty("term").GetString());
        Assert.Equal("symptoms", comparisons[1].GetProperty("initial_conditions").GetProperty("term").GetString());
        Assert.Equal("symptoms_diff", comparisons[1].GetProperty("anderson_hsiao").GetProperty("term").GetString());
        Assert.Equal("wald", comparisons[1].GetProperty("initial_conditions").GetProperty("interval").GetString());
        Assert.Equal("cluster_robust_wald", comparisons[1].GetProperty("anderson_hsiao").GetProperty("interval").GetString());
        Assert.Equal("symptoms_next:symptoms", comparisons[1].GetProperty("joint_initial_conditions").GetProperty("term").GetString());
        Assert.Equal("cluster_robust_wald", comparisons[1].GetProperty("joint_initial_conditions").GetProperty("interval").GetString());
        Assert.Equal(
            ["icc", "between_variance", "within_variance", "within_sd"],
            root.GetProperty("null_model").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Model_option_selects_one_model()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--model", "symptoms_to_alliance");

        using var report = JsonDocument.Parse(result.Stdout);
        var names = report.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString());
        Assert.Equal(["symptoms_to_alliance", "symptoms_to_alliance_initial_conditions"], names);
    }

    [Theory]
    [InlineData("person-mean-centred", "person_mean_centred", "symptoms_to_alliance")]
    [InlineData("initial-conditions", "initial_conditions", "symptoms_to_alliance_initial_conditions")]
    public void Estimator_option_fits_one_estimator_and_compares_nothing(string option, string estimator, string name)
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("medium.csv"), "--model", "symptoms_to_alliance", "--estimator", option);

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        var model = Assert.Single(report.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal(name, model.GetProperty("name").GetString());
        Assert.Equal(estimator, model.GetProperty("estimator").GetString());
        Assert.Empty(report.RootElement.GetProperty("comparisons").EnumerateArray());
        var reference = Lme4Fixture.Fit("medium", name, "REML");
        foreach (var expected in reference.Json.GetProperty("fixed_effects").EnumerateArray())
        {
            var term = expected.GetProperty("term").GetString();
            var actual = model.GetProperty("fixed_effects").EnumerateArray().Single(f => f.GetProperty("term").GetString() == term);
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), actual.GetProperty("estimate").GetDouble(), 1e-5, 1e-7, $"{term} estimate");
        }
    }

    /// <summary>The joint estimator: lme4's fixed effects (fit_lme4_joint.R), with the cluster-robust standard errors instead of lme4's.</summary>
    [Fact]
    public void Joint_estimator_option_reports_the_joint_fit_with_cluster_robust_intervals()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--model", "alliance_to_symptoms", "--estimator", "joint-initial-conditions");

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        var model = Assert.Single(report.RootElement.GetProperty("models").EnumerateArray());
        Assert.Equal("alliance_to_symptoms_joint", model.GetProperty("name").GetString());
        Assert.Equal("joint_initial_conditions", model.GetProperty("estimator").GetString());
        Assert.EndsWith("intervals: cluster-robust Wald (sandwich over all parameters, by patient)", model.GetProperty("formula").GetString(), StringComparison.Ordinal);
        Assert.Empty(report.RootElement.GetProperty("comparisons").EnumerateArray());
        var fit = JointFitter.Fit(JointDesign.Build(Lme4Fixture.Observations("small").ToArray(), new JointModel(ModelCatalog.AllianceToSymptoms)));
        using var reference = JsonDocument.Parse(File.ReadAllText(Lme4Fixture.PathOf("small.joint.lme4.json")));
        var lme4 = reference.RootElement.GetProperty("fits").EnumerateArray().Single(f => f.GetProperty("method").GetString() == "REML");
        foreach (var expected in lme4.GetProperty("fixed_effects").EnumerateArray())
        {
            var term = expected.GetProperty("term").GetString()!;
            var actual = model.GetProperty("fixed_effects").EnumerateArray().Single(f => f.GetProperty("term").GetString() == term);
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), actual.GetProperty("estimate").GetDouble(), 1e-3, 1e-4, $"{term} estimate");
            Tolerance.Close(fit.RobustFixed(term).StdError, actual.GetProperty("std_error").GetDouble(), 1e-9, 0, $"{term} std error");
            Assert.NotEqual(expected.GetProperty("std_error").GetDouble(), actual.GetProperty("std_error").GetDouble(), 3);
        }
    }

    [Fact]
    public void Unknown_estimator_is_rejected_without_output()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--estimator", "gmm");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("--estimator", result.Stderr, StringComparison.Ordinal);
    }

    private const string Header = "patient_id,therapist_id,session,alliance,symptoms";

    public static TheoryData<string, string> BadInputs => new()
    {
        { "patient_id,session,alliance,symptoms\na,1,4,10\n", "row 1, column therapist_id" },
        { $"{Header}\na,,1,4,10\na,,2,high,10\n", "row 3, column alliance" },
        { $"{Header}\na,,1,4,10\na,,x,4,10\n", "row 3, column session" },
        { $"{Header}\na,,1,4,10\na,,2,4,10\na,,1,3,12\n", "row 4, column session" },
        { $"{Header}\na,,1,4,10\na,,0,4,10\n", "row 3, column session" },
        { $"{Header}\na,,1,4,10\na,,2,4,twelve\n", "row 3, column symptoms" },
        { $"{Header}\na,,1,4,10\na,,2,4,10\nb,,1,3,12\nb,,2,3,11\n", "too little data" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_prints_one_line_naming_the_problem_and_exits_2(string csv, string expectedFragment)
    {
        var path = CliRunner.TempCsv(csv);
        try
        {
            var result = CliRunner.Run("analyze", "--input", path);

            Assert.Equal(2, result.ExitCode);
            Assert.Equal(string.Empty, result.Stdout);
            Assert.Contains(expectedFragment, result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unknown_method_is_rejected_without_output()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--method", "bayes");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("--method", result.Stderr, StringComparison.Ordinal);
    }
}
