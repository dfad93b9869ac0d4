using System.Text.Json;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary><c>analyze --model agreement</c> and <c>simulate --therapist-ratings</c>.</summary>
public sealed class AnalyzeAgreementTests
{
    [Theory]
    [InlineData("reml", "REML")]
    [InlineData("ml", "ML")]
    public void Agreement_prints_the_surface_model_equal_to_lme4(string option, string method)
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("agreement.csv"), "--method", option, "--model", "agreement");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.Empty(root.GetProperty("models").EnumerateArray());
        Assert.Empty(root.GetProperty("comparisons").EnumerateArray());
        Assert.True(root.TryGetProperty("null_model", out _));

        var agreement = root.GetProperty("agreement");
        var reference = Lme4Fixture.Fit("agreement", AgreementModel.Name, method);
        Assert.Equal(JsonValueKind.Null, agreement.GetProperty("reason").ValueKind);
        Assert.Equal(AgreementModel.DefaultMinPairs, agreement.GetProperty("min_pairs").GetInt32());
        var observations = Lme4Fixture.Observations("agreement");
        Assert.Equal(observations.Count(o => o.Alliance is not null && o.TherapistAlliance is not null), agreement.GetProperty("n_sessions_both_raters").GetInt32());

        var model = agreement.GetProperty("model");
        Assert.Equal(AgreementModel.Name, model.GetProperty("name").GetString());
        Assert.Equal(method, model.GetProperty("method").GetString());
        Assert.Equal(AgreementModel.Formula, model.GetProperty("formula").GetString());
        Assert.Equal(reference.Json.GetProperty("n_observations").GetInt32(), model.GetProperty("n_observations").GetInt32());
        var effects = model.GetProperty("fixed_effects").EnumerateArray().ToDictionary(e => e.GetProperty("term").GetString()!);
        Assert.Equal(AgreementModel.FixedTerms, effects.Keys);
        foreach (var expected in reference.Json.GetProperty("fixed_effects").EnumerateArray())
        {
            var term = expected.GetProperty("term").GetString()!;
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), effects[term].GetProperty("estimate").GetDouble(), 1e-5, 1e-7, $"{term} estimate");
            Tolerance.Close(expected.GetProperty("std_error").GetDouble(), effects[term].GetProperty("std_error").GetDouble(), 1e-5, 1e-7, $"{term} std error");
        }

        var variance = model.GetProperty("random_effects").EnumerateArray().Single();
        Tolerance.Close(
            reference.Json.GetProperty("random_effects")[0].GetProperty("variance").GetDouble(), variance.GetProperty("variance").GetDouble(), 1e-4, 1e-9, "patient variance");

        var surface = agreement.GetProperty("surface").EnumerateArray().ToArray();
        var expectedSurface = reference.Json.GetProperty("surface").EnumerateArray().ToArray();
        Assert.Equal(expectedSurface.Select(a => a.GetProperty("parameter").GetString()), surface.Select(a => a.GetProperty("parameter").GetString()));
        Assert.Equal(["agreement", "agreement", "disagreement", "disagreement"], surface.Select(a => a.GetProperty("line").GetString()));
        Assert.Equal(["slope", "curvature", "slope", "curvature"], surface.Select(a => a.GetProperty("quantity").GetString()));
        Assert.All(surface, a => Assert.Equal("wald", a.GetProperty("interval").GetString()));
        for (var i = 0; i < surface.Length; i++)
        {
            Tolerance.Close(expectedSurface[i].GetProperty("estimate").GetDouble(), surface[i].GetProperty("estimate").GetDouble(), 1e-5, 1e-7, "surface estimate");
            Tolerance.Close(expectedSurface[i].GetProperty("std_error").GetDouble(), surface[i].GetProperty("std_error").GetDouble(), 1e-5, 1e-7, "surface std error");
        }
    }

    public static TheoryData<string, string, string> Rejected => new()
    {
        { "patient_id,therapist_id,session,alliance,symptoms\na,,1,4,10\na,,2,4,11\n", "", "needs the therapist's ratings in a therapist_alliance column" },
        {
            "patient_id,therapist_id,session,alliance,symptoms,therapist_alliance\na,,1,4,10,3\na,,2,4,11,4\na,,3,5,9,4\nb,,1,3,12,3\nb,,2,3,11,\nc,,1,4,10,4\nc,,2,5,9,4\n",
            "", "too little data to fit: 6 sessions have both a client and a therapist rating of the alliance: 4 complete lag pairs"
        },
        { "patient_id,therapist_id,session,alliance,symptoms,therapist_alliance\na,,1,4,10,3\n", "--therapist-level", "agreement model has no nested form" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Data_or_options_the_agreement_model_cannot_use_print_one_line_and_exit_2(string csv, string extra, string expectedFragment)
    {
        var path = CliRunner.TempCsv(csv);
        try
        {
            string[] args = ["analyze", "--input", path, "--model", "agreement", .. extra.Length == 0 ? Array.Empty<string>() : [extra]];
            var result = CliRunner.Run(args);

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
    public void Simulate_with_therapist_ratings_adds_a_column_and_keeps_the_others()
    {
        var plain = Path.Combine(Path.GetTempPath(), $"am-sim-{Guid.NewGuid():N}.csv");
        var rated = Path.Combine(Path.GetTempPath(), $"am-sim-{Guid.NewGuid():N}.csv");
        try
        {
            Assert.Equal(0, CliRunner.Run("simulate", "--patients", "80", "--seed", "12", "--out", plain).ExitCode);
            Assert.Equal(0, CliRunner.Run("simulate", "--patients", "80", "--seed", "12", "--out", rated, "--therapist-ratings").ExitCode);

            var plainRecords = CsvText.FileRecords(plain);
            var ratedRecords = CsvText.FileRecords(rated);
            Assert.Equal([.. plainRecords[0], "therapist_alliance"], ratedRecords[0]);
            Assert.Equal(plainRecords.Select(r => string.Join(',', r)), ratedRecords.Select(r => string.Join(',', r[..^1])));
            using var reader = new StreamReader(rated);
            Assert.Equal(SessionSimulator.Simulate(80, 12, new SimulationParameters(TherapistRatings: true)).Observations, CsvObservationReader.Read(reader, rated));
        }
        finally
        {
            File.Delete(plain);
            File.Delete(rated);
        }
    }

    [Theory]
    [InlineData(new[] { "--disagreement-effect", "1" }, "needs --therapist-ratings")]
    [InlineData(new[] { "--therapist-ratings", "--disagreement-effect", "x" }, "'x' is not a number")]
    public void Simulate_rejects_a_disagreement_effect_it_cannot_use(string[] extra, string expectedFragment)
    {
        var result = CliRunner.Run(["simulate", "--patients", "5", "--seed", "1", "--out", Path.Combine(Path.GetTempPath(), "am-unused.csv"), .. extra]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expectedFragment, result.Stderr, StringComparison.Ordinal);
    }
}
