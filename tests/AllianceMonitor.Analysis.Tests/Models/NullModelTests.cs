using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class NullModelTests
{
    [Theory]
    [InlineData("small")]
    [InlineData("missing_uneven")]
    public void Shrunken_person_means_equal_lme4_coef(string dataset)
    {
        var reference = Lme4Fixture.Fit(dataset, "null_model", "REML");
        var result = NullModel.Fit(Lme4Fixture.Observations(dataset).ToArray());
        var ours = result.PersonMeans.ToDictionary(m => m.PatientId, m => m.ShrunkenMean);

        var expected = reference.Json.GetProperty("shrunken_means").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, ours.Count);
        foreach (var entry in expected)
        {
            var patient = entry.GetProperty("patient_id").GetString()!;
            Tolerance.Close(entry.GetProperty("mean").GetDouble(), ours[patient], 1e-6, 1e-7, $"shrunken mean of {patient}");
        }
    }

    [Fact]
    public void Icc_is_between_share_of_total_variance_and_means_are_pulled_towards_the_grand_mean()
    {
        var result = NullModel.Fit(Lme4Fixture.Observations("medium").ToArray());
        var s = result.Summary;
        var reference = Lme4Fixture.Fit("medium", "null_model", "REML");

        Tolerance.Close(reference.Number("residual_variance"), s.WithinVariance, 1e-4, 1e-10, "within variance");
        Assert.Equal(s.BetweenVariance / (s.BetweenVariance + s.WithinVariance), s.Icc, 12);
        Assert.Equal(Math.Sqrt(s.WithinVariance), s.WithinSd, 12);
        var intercept = result.Fit.FixedEffects[0].Estimate;
        Assert.All(result.PersonMeans, m => Assert.True(
            Math.Abs(m.ShrunkenMean - intercept) <= Math.Abs(m.ObservedMean - intercept) + 1e-12,
            $"{m.PatientId} was pushed away from the grand mean"));
    }
}
