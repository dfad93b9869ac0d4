using System.Text.Json;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary><c>analyze --effects</c>: the modality moderation and the therapist shares, checked against lme4's numbers.</summary>
public sealed class AnalyzeEffectsCommandTests
{
    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(Lme4Fixture.PathOf("effects.lme4.json"))).RootElement;

    [Fact]
    public void Effects_print_the_test_contrasts_and_shares_with_what_each_interval_is()
    {
        var result = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("modality.csv"), "--model", "alliance_to_symptoms", "--effects");

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Stdout);
        var effects = report.RootElement.GetProperty("effects");
        Assert.Equal(["modality", "therapist_shares", "reasons"], effects.EnumerateObject().Select(p => p.Name));
        var modality = effects.GetProperty("modality");
        Assert.Equal(
            ["model", "reference", "method", "n_observations", "n_patients", "converged", "singular", "min_pairs_per_modality", "levels", "suppressed",
             "contrasts", "overall_test"],
            modality.EnumerateObject().Select(p => p.Name));
        Assert.All(modality.GetProperty("levels").EnumerateArray(), l => Assert.Equal("wald", l.GetProperty("interval").GetString()));
        Assert.All(modality.GetProperty("contrasts").EnumerateArray(), c =>
        {
            Assert.Equal("wald", c.GetProperty("interval").GetString());
            Assert.Equal("bonferroni", c.GetProperty("adjustment").GetString());
        });
        Assert.Equal(3, modality.GetProperty("contrasts").GetArrayLength());

        var lme4 = Reference.GetProperty("moderation")[0];
        Assert.Equal("modality.csv", lme4.GetProperty("source").GetString());
        var test = modality.GetProperty("overall_test");
        Tolerance.Close(lme4.GetProperty("lr_test").GetProperty("chi_square").GetDouble(), test.GetProperty("chi_square").GetDouble(), 0, 2e-6, "chi-square");
        Assert.Equal(2, test.GetProperty("df").GetInt32());
        Assert.Equal("ML", test.GetProperty("full").GetProperty("method").GetString());
        Assert.False(test.GetProperty("full").GetProperty("singular").GetBoolean());

        var shares = effects.GetProperty("therapist_shares");
        Assert.Equal(10, shares.GetProperty("min_therapists").GetInt32());
        var alliance = shares.GetProperty("alliance");
        Assert.Equal("profile", alliance.GetProperty("interval").GetString());
        Assert.True(alliance.GetProperty("singular").GetBoolean()); // medium.csv has no therapist variance in alliance
        var expected = Lme4Fit.Vector(Reference.GetProperty("shares")[1].GetProperty("alliance").GetProperty("share_ci"));
        Tolerance.Close(expected[1], alliance.GetProperty("ci_high").GetDouble(), 1e-5, 1e-8, "share high");
    }

    [Fact]
    public void Minimums_are_options_and_a_file_without_modality_says_so()
    {
        var strict = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("modality.csv"), "--model", "alliance_to_symptoms", "--effects",
            "--min-pairs-per-modality", "600", "--min-therapists", "17");
        using var report = JsonDocument.Parse(strict.Stdout);
        var effects = report.RootElement.GetProperty("effects");
        var dropped = Assert.Single(effects.GetProperty("modality").GetProperty("suppressed").EnumerateArray());
        Assert.Equal(("in_person", 540), (dropped.GetProperty("modality").GetString(), dropped.GetProperty("pairs").GetInt32()));
        Assert.Equal(JsonValueKind.Null, effects.GetProperty("therapist_shares").GetProperty("alliance").ValueKind);
        Assert.Contains(effects.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("at least 17 therapists; found", StringComparison.Ordinal));

        var plain = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--effects");
        using var noModality = JsonDocument.Parse(plain.Stdout);
        var none = noModality.RootElement.GetProperty("effects");
        Assert.Equal(JsonValueKind.Null, none.GetProperty("modality").ValueKind);
        Assert.Contains(none.GetProperty("reasons").EnumerateArray(), r => r.GetString() == "modality: the data have no modality column.");

        var bad = CliRunner.Run("analyze", "--input", Lme4Fixture.PathOf("small.csv"), "--effects", "--min-therapists", "-1");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--min-therapists", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_modality_is_bad_input_naming_the_row()
    {
        var path = CliRunner.TempCsv("patient_id,therapist_id,session,alliance,symptoms,modality\na,,1,4,10,video\na,,2,4,10,zoom\n");
        try
        {
            var result = CliRunner.Run("analyze", "--input", path, "--effects");
            Assert.Equal(2, result.ExitCode);
            Assert.Contains("row 3, column modality: 'zoom'", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
