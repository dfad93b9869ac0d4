using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Ruptures;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The null model solved in closed form from per-patient sums (<see cref="NullModel.FitGrouped"/>, the calibration's fit)
/// against lme4's recorded fits and against the general fitter (<c>NullModel.Fit</c>) on the same data.
/// </summary>
public sealed class NullModelGroupedTests
{
    [Theory]
    [InlineData("small")]
    [InlineData("singular")]
    [InlineData("missing_uneven")]
    [InlineData("medium")]
    public void The_grouped_fit_is_lme4s_null_model(string dataset)
    {
        var (ratings, starts, patients) = Grouped(Lme4Fixture.Observations(dataset));
        var reference = Lme4Fixture.Fit(dataset, "null_model", "REML");

        var fit = NullModel.FitGrouped(ratings, starts);

        // lme4 stops at its optimizer's tolerance; the objective is flat there, so it agrees to many more digits than theta.
        Tolerance.Close(reference.Theta[0], fit.Theta, 1e-5, 1e-8, "theta");
        Tolerance.Close(reference.Number("objective"), fit.Objective, 1e-10, 1e-10, "REML criterion");
        Tolerance.Close(reference.Number("residual_variance"), fit.WithinVariance, 1e-6, 1e-12, "residual variance");
        Assert.True(fit.Objective <= reference.Number("objective") + 1e-9, "the closed form's optimum is above lme4's");
        var expected = reference.Json.GetProperty("shrunken_means").EnumerateArray()
            .ToDictionary(e => e.GetProperty("patient_id").GetString()!, e => e.GetProperty("mean").GetDouble());
        Assert.Equal(expected.Count, patients.Length);
        for (var p = 0; p < patients.Length; p++)
        {
            Tolerance.Close(expected[patients[p]], fit.ShrunkenMeans[p], 1e-6, 1e-7, $"shrunken mean of {patients[p]}");
        }
    }

    public static TheoryData<string, int, double> Clinics => new()
    {
        { "simulated", 400, 0.45 },
        { "large", 5000, 0.45 },
        { "near the boundary", 3000, 0.01 }, // between variance small against the noise, as in the 1M bench clinic
        { "no patient differences", 300, 0 },
    };

    [Theory]
    [MemberData(nameof(Clinics))]
    public void The_grouped_fit_agrees_with_the_general_fitter(string clinic, int patientCount, double levelSd)
    {
        var observations = Simulate(patientCount, levelSd, seed: clinic.Length);
        var (ratings, starts, patients) = Grouped(observations);

        var general = NullModel.Fit(observations);
        var grouped = NullModel.FitGrouped(ratings, starts);

        // Never a worse optimum than the general fitter's (it is the exact one), and the same to the general fitter's tolerance.
        Assert.True(grouped.Objective <= general.Fit.Objective + (1e-12 * Math.Abs(general.Fit.Objective)), $"{clinic}: above the general fitter's optimum");
        Tolerance.Close(general.Fit.Objective, grouped.Objective, 1e-10, 1e-9, "REML criterion");
        Tolerance.Close(general.Fit.FixedEffects[0].Estimate, grouped.GrandMean, 1e-9, 1e-9, "grand mean");
        Tolerance.Close(general.Summary.WithinVariance, grouped.WithinVariance, 1e-7, 1e-12, "within variance");
        Tolerance.Close(general.Summary.BetweenVariance, grouped.BetweenVariance, 1e-5, 1e-7, "between variance");
        var shrunken = general.PersonMeans.ToDictionary(m => m.PatientId, m => m.ShrunkenMean, StringComparer.Ordinal);
        for (var p = 0; p < patients.Length; p++)
        {
            Tolerance.Close(shrunken[patients[p]], grouped.ShrunkenMeans[p], 1e-8, 1e-8, $"shrunken mean of {patients[p]}");
        }
    }

    [Fact]
    public void Without_patient_differences_the_optimum_is_on_the_boundary()
    {
        // Every patient the same sessions' values: the patients' means are equal, so the between variance is 0 (singular).
        var ratings = new double[] { 3, 4, 5, 3, 4, 5, 3, 4, 5, 3, 4, 5 };
        var fit = NullModel.FitGrouped(ratings, new[] { 0, 3, 6, 9, 12 });

        Assert.Equal(0, fit.Theta);
        Assert.Equal(0, fit.BetweenVariance);
        Assert.Equal(4, fit.GrandMean, 12);
        Assert.Equal(8.0 / 11, fit.WithinVariance, 12); // the residual sum of squares over N - 1
        Assert.All(fit.ShrunkenMeans, m => Assert.Equal(4, m, 12));
    }

    [Fact]
    public void Ratings_that_do_not_vary_within_patients_leave_no_within_variance()
    {
        var fit = NullModel.FitGrouped(new double[] { 2, 2, 3, 3, 5, 5, 4, 4 }, new[] { 0, 2, 4, 6, 8 });

        Assert.Equal(0, fit.WithinVariance, 6);
        Assert.True(double.IsFinite(fit.BetweenVariance) && double.IsFinite(fit.GrandMean));
    }

    [Fact]
    public void Too_few_patients_or_ratings_are_refused_as_the_general_fit_refuses_them()
    {
        Assert.Throws<InsufficientDataException>(() => NullModel.FitGrouped(new double[] { 3, 4, 5, 4 }, new[] { 0, 2, 4 }));
        Assert.Throws<InsufficientDataException>(() => NullModel.FitGrouped(new double[] { 3, 4, 5 }, new[] { 0, 1, 2, 3 }));
    }

    private static List<SessionObservation> Simulate(int patients, double levelSd, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var rows = new List<SessionObservation>();
        for (var i = 0; i < patients; i++)
        {
            var n = random.Next(1, 15); // some patients with one or two ratings, as a clinic has
            var level = 4 + (levelSd * Normal());
            for (var t = 1; t <= n; t++)
            {
                rows.Add(new SessionObservation($"p{i:00000}", null, t, Math.Clamp(Math.Round((level + (TestClinic.NoiseSd * Normal())) * 12) / 12, 1, 5), null));
            }
        }

        return rows;
    }

    /// <summary>The rated observations grouped by patient in the order of first appearance, as the calibration packs them.</summary>
    private static (double[] Ratings, int[] Starts, string[] Patients) Grouped(IEnumerable<SessionObservation> observations)
    {
        var groups = observations.Where(o => o.Alliance.HasValue).GroupBy(o => o.PatientId, StringComparer.Ordinal).ToArray();
        var starts = new int[groups.Length + 1];
        var ratings = new List<double>();
        for (var g = 0; g < groups.Length; g++)
        {
            ratings.AddRange(groups[g].OrderBy(o => o.Session).Select(o => o.Alliance!.Value));
            starts[g + 1] = ratings.Count;
        }

        return ([.. ratings], starts, groups.Select(g => g.Key).ToArray());
    }
}
