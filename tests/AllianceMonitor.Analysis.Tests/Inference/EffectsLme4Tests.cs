using System.Text.Json;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Inference;

/// <summary>The modality moderation and the therapist shares against tests/fixtures/lme4/effects.lme4.json (fit_effects.R).</summary>
public sealed class EffectsLme4Tests
{
    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(Lme4Fixture.PathOf("effects.lme4.json"))).RootElement;

    private static ObservationFile Read(string file)
    {
        using var reader = new StreamReader(Lme4Fixture.PathOf(file));
        return CsvObservationReader.ReadWithModality(reader, file);
    }

    private static JsonElement Moderation(string file) => Reference.GetProperty("moderation").EnumerateArray().Single(m => m.GetProperty("source").GetString() == file);

    private static JsonElement Shares(string file) => Reference.GetProperty("shares").EnumerateArray().Single(m => m.GetProperty("source").GetString() == file);

    private static ModalityModerationResult FitModeration(string file, int minPairs = 0)
    {
        var data = Read(file);
        return ModalityModeration.Fit(data.Observations, o => data.Modality![o], ModelCatalog.AllianceToSymptoms, minPairsPerLevel: minPairs);
    }

    /// <summary>lme4 names a per-level slope modality{level}:alliance_within and a dummy modality{level}.</summary>
    private static string OurTerm(string lme4Term) =>
        lme4Term.EndsWith(":alliance_within", StringComparison.Ordinal)
            ? $"alliance_within:modality_{lme4Term["modality".Length..^":alliance_within".Length]}"
            : lme4Term.StartsWith("modality", StringComparison.Ordinal) ? $"modality_{lme4Term["modality".Length..]}" : lme4Term;

    private static void SameFit(JsonElement expected, FitCheck actual, string what)
    {
        Tolerance.Close(expected.GetProperty("log_likelihood").GetDouble(), actual.LogLikelihood, 0, 1e-6, $"{what} logLik");
        Assert.Equal(expected.GetProperty("singular").GetBoolean(), actual.Singular);
        Assert.True(actual.Converged, $"{what} converged");
    }

    [Theory]
    [InlineData("modality.csv")]
    [InlineData("modality_singular.csv")]
    public void The_likelihood_ratio_test_equals_lme4_anova_of_ML_refits(string file)
    {
        var reference = Moderation(file);
        var result = FitModeration(file);
        var test = result.OverallTest!;

        var lr = reference.GetProperty("lr_test");
        Assert.Equal(lr.GetProperty("df").GetInt32(), test.Df);
        Tolerance.Close(lr.GetProperty("chi_square").GetDouble(), test.ChiSquareStatistic, 0, 2e-6, "chi-square");
        Tolerance.Close(lr.GetProperty("p_value").GetDouble(), test.PValue, 0, 1e-6, "p");
        SameFit(reference.GetProperty("ml_full"), test.Full, "ML full");
        SameFit(reference.GetProperty("ml_reduced"), test.Reduced, "ML reduced");
        Assert.Equal(FitMethod.Ml, test.Full.Method);
        SameFit(reference.GetProperty("reml"), FitCheck.Of(result.Fit), "REML");
    }

    [Theory]
    [InlineData("modality.csv")]
    [InlineData("modality_singular.csv")]
    public void Fixed_effects_and_Bonferroni_contrasts_equal_lme4(string file)
    {
        var reference = Moderation(file);
        var result = FitModeration(file);

        Assert.Equal(reference.GetProperty("levels").EnumerateArray().Select(l => l.GetString()), result.Effects.Select(e => e.Modality));
        Assert.All(result.Effects, e => Assert.Equal(reference.GetProperty("pairs").GetProperty(e.Modality).GetInt32(), e.Pairs));
        foreach (var expected in reference.GetProperty("reml").GetProperty("fixed_effects").EnumerateArray())
        {
            var term = OurTerm(expected.GetProperty("term").GetString()!);
            var actual = result.Fit.Fixed(term);
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), actual.Estimate, 1e-5, 1e-7, term);
            Tolerance.Close(expected.GetProperty("std_error").GetDouble(), actual.StdError, 1e-5, 1e-7, term + " SE");
        }

        var contrasts = reference.GetProperty("contrasts").EnumerateArray().ToList();
        Assert.Equal(contrasts.Count, result.Contrasts.Count);
        foreach (var (expected, actual) in contrasts.Zip(result.Contrasts))
        {
            var what = $"{actual.Level} - {actual.Versus}";
            Assert.Equal(expected.GetProperty("level").GetString(), actual.Level);
            Assert.Equal(expected.GetProperty("versus").GetString(), actual.Versus);
            Tolerance.Close(expected.GetProperty("estimate").GetDouble(), actual.Estimate, 1e-5, 1e-7, what);
            Tolerance.Close(expected.GetProperty("std_error").GetDouble(), actual.StdError, 1e-5, 1e-7, what + " SE");
            Tolerance.Close(expected.GetProperty("p_value").GetDouble(), actual.PValue, 0, 1e-6, what + " p");
            Tolerance.Close(expected.GetProperty("adjusted_p_value").GetDouble(), actual.AdjustedPValue, 0, 1e-6, what + " adjusted p");
            Tolerance.Close(expected.GetProperty("ci_low").GetDouble(), actual.CiLow, 1e-5, 1e-7, what + " low");
            Tolerance.Close(expected.GetProperty("ci_high").GetDouble(), actual.CiHigh, 1e-5, 1e-7, what + " high");
        }
    }

    [Theory]
    [InlineData("therapists.csv", ShareMeasure.Alliance)]
    [InlineData("therapists.csv", ShareMeasure.Symptoms)]
    [InlineData("medium.csv", ShareMeasure.Alliance)]
    [InlineData("medium.csv", ShareMeasure.Symptoms)]
    [InlineData("therapist_offsets.csv", ShareMeasure.Alliance)]
    public void Therapist_shares_and_profile_intervals_equal_lme4(string file, ShareMeasure measure)
    {
        var reference = Shares(file).GetProperty(TherapistShare.Name(measure));
        var estimate = TherapistShare.Estimate(Read(file).Observations, measure);

        Assert.Equal(reference.GetProperty("singular").GetBoolean(), estimate.Summary.Singular);
        Assert.True(estimate.Converged);
        Tolerance.Close(reference.GetProperty("patient_variance").GetDouble(), estimate.Summary.PatientVariance, 1e-4, 1e-8, "patient variance");
        Tolerance.Close(reference.GetProperty("therapist_variance").GetDouble(), estimate.Summary.TherapistVariance, 1e-4, 1e-8, "therapist variance");
        Tolerance.Close(reference.GetProperty("residual_variance").GetDouble(), estimate.Summary.WithinVariance, 1e-4, 1e-8, "residual variance");
        Tolerance.Close(reference.GetProperty("share").GetDouble(), estimate.Summary.TherapistShare, 1e-4, 1e-8, "share");

        // The share's interval against the exact profile computed in R on lme4's deviance function.
        var share = Lme4Fit.Vector(reference.GetProperty("share_ci"));
        Tolerance.Close(share[0], estimate.ShareInterval.Low, 1e-7, 1e-10, "share low");
        Tolerance.Close(share[1], estimate.ShareInterval.High, 1e-7, 1e-10, "share high");

        // The therapist SD's interval against lme4's confint(method = "profile"), which interpolates its profile with splines.
        // lme4 profiles each SD with the other parameters re-optimized; the share σ²_t / (σ²_t + σ²_p + σ²) depends on all
        // three, so it is no monotone function of σ_t alone and confint has no share interval to compare with. The share's
        // own interval is checked above against an exact profile on lme4's deviance function; here the same profiling code
        // (OuterVarianceProfile) is checked on the parameter lme4 does profile.
        var sd = Lme4Fit.Vector(reference.GetProperty("therapist_sd_ci_confint"));
        Tolerance.Close(sd[0], estimate.TherapistSdInterval.Low, 1e-4, 1e-6, "sd low");
        Tolerance.Close(sd[1], estimate.TherapistSdInterval.High, 1e-4, 1e-6, "sd high");
    }
}
