using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

/// <summary>The prediction of session t from the patient's own history, and censoring at the scale maximum.</summary>
public sealed class TrendFilterTests
{
    private const double Step = 1.0 / 12;
    private static readonly PredictionModel Model = new(PredictionModel.RobustMethod, 0.25, 0.3, 4.2, 0.45, 0.01, 0.02, 0, 1, 0.75);

    [Fact]
    public void The_filter_prediction_is_the_exact_gaussian_conditional_of_the_model()
    {
        // Ratings with a gap (session 5 missing): the filter must agree with conditioning the joint normal directly.
        int[] sessions = [1, 2, 3, 4, 6, 7];
        double[] values = [4.1, 4.4, 3.9, 4.3, 4.6, 4.2];
        var filter = new TrendFilter(Model, Step);
        for (var i = 0; i < sessions.Length; i++)
        {
            filter.Update(sessions[i], values[i], null);
        }

        var (mean, variance) = BruteForce(sessions, values, 8);
        var prediction = filter.Predict(8);
        Assert.Equal(mean, prediction.Mean, 9);
        Assert.Equal(Math.Sqrt(variance), prediction.Sd, 9);
    }

    [Fact]
    public void Before_any_rating_the_prediction_is_the_clinic_prior_with_its_full_uncertainty()
    {
        var prediction = new TrendFilter(Model, Step).Predict(3);
        Assert.Equal(4.2 + (2 * 0.01), prediction.Mean, 12);
        var variance = (0.45 * 0.45) + (4 * 0.02 * 0.02) + (0.25 * 0.25) + (Step * Step / 12);
        Assert.Equal(Math.Sqrt(variance), prediction.Sd, 12);
    }

    [Fact]
    public void A_patient_trend_is_followed_and_the_baseline_uncertainty_shrinks_with_sessions()
    {
        var filter = new TrendFilter(Model, Step);
        var early = 0.0;
        for (var t = 1; t <= 30; t++)
        {
            if (t == 3)
            {
                early = filter.Predict(3).Sd;
            }

            filter.Update(t, 3.5 + (0.04 * (t - 1)), null);
        }

        var prediction = filter.Predict(31);
        Assert.Equal(3.5 + (0.04 * 30), prediction.Mean, 1);
        Assert.True(prediction.Sd < early, $"{prediction.Sd} after 30 sessions, {early} after 2");
        Assert.True(prediction.Sd > 0.25 * Math.Sqrt(1 - (0.3 * 0.3)), "never below the innovation SD");
    }

    [Fact]
    public void Ratings_at_the_maximum_are_believed_to_be_at_least_the_maximum()
    {
        var ceiling = 5 - (Step / 2);
        var censored = new TrendFilter(Model, Step);
        var exact = new TrendFilter(Model, Step);
        for (var t = 1; t <= 6; t++)
        {
            censored.Update(t, 5, ceiling);
            exact.Update(t, 5, null);
        }

        var believed = censored.Predict(7);
        Assert.True(believed.Mean > 5, $"censored prediction {believed.Mean}");
        Assert.True(believed.Mean > exact.Predict(7).Mean);

        // So a fall to 4.2 from a run of 5s is a larger drop than it looks.
        Assert.True((believed.Mean - 4.2) / believed.Sd > (exact.Predict(7).Mean - 4.2) / exact.Predict(7).Sd);
    }

    [Fact]
    public void The_truncated_normal_moments_are_the_textbook_ones()
    {
        var (mean, variance) = StandardNormal.TruncatedBelow(0);
        Assert.Equal(Math.Sqrt(2 / Math.PI), mean, 6);
        Assert.Equal(1 - (2 / Math.PI), variance, 6);
        Assert.Equal(0.05, StandardNormal.UpperTail(1.6448536), 6);
        Assert.Equal(2.5758293, StandardNormal.UpperQuantile(0.005), 5);
        Assert.Equal(6.0, StandardNormal.UpperQuantile(StandardNormal.UpperTail(6.0)), 6);
    }

    [Fact]
    public void A_pair_prediction_matches_the_joint_conditional()
    {
        int[] sessions = [1, 2, 3];
        double[] values = [4.0, 4.3, 4.1];
        var filter = new TrendFilter(Model, Step);
        for (var i = 0; i < sessions.Length; i++)
        {
            filter.Update(sessions[i], values[i], null);
        }

        var (first, second, covariance) = filter.PredictPair(4, 6);
        Assert.Equal(BruteForce(sessions, values, 4).Mean, first.Mean, 9);
        Assert.Equal(BruteForce(sessions, values, 6).Mean, second.Mean, 9);
        Assert.Equal(Math.Sqrt(BruteForce(sessions, values, 6).Variance), second.Sd, 9);
        Assert.Equal(ConditionalCovariance(sessions, 4, 6), covariance, 9);
    }

    private static double Cov(int s, int t)
    {
        var noise = 0.25 * 0.25 * Math.Pow(0.3, Math.Abs(s - t));
        return (0.45 * 0.45) + ((s - 1) * (t - 1) * 0.02 * 0.02) + noise + (s == t ? Step * Step / 12 : 0);
    }

    private static (double Mean, double Variance) BruteForce(int[] sessions, double[] values, int target)
    {
        var k = Matrix(sessions);
        var residual = values.Select((v, i) => v - 4.2 - (0.01 * (sessions[i] - 1))).ToArray();
        var c = sessions.Select(s => Cov(s, target)).ToArray();
        var weights = Solve(k, c);
        var mean = 4.2 + (0.01 * (target - 1)) + weights.Select((w, i) => w * residual[i]).Sum();
        var variance = Cov(target, target) - weights.Select((w, i) => w * c[i]).Sum();
        return (mean, variance);
    }

    private static double ConditionalCovariance(int[] sessions, int a, int b)
    {
        var k = Matrix(sessions);
        var ca = sessions.Select(s => Cov(s, a)).ToArray();
        var cb = sessions.Select(s => Cov(s, b)).ToArray();
        var wa = Solve(k, ca);
        return Cov(a, b) - wa.Select((w, i) => w * cb[i]).Sum();
    }

    private static double[,] Matrix(int[] sessions)
    {
        var k = new double[sessions.Length, sessions.Length];
        for (var i = 0; i < sessions.Length; i++)
        {
            for (var j = 0; j < sessions.Length; j++)
            {
                k[i, j] = Cov(sessions[i], sessions[j]);
            }
        }

        return k;
    }

    /// <summary>Gaussian elimination with partial pivoting; the test's own solver, independent of the filter.</summary>
    private static double[] Solve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var col = 0; col < n; col++)
        {
            var pivot = Enumerable.Range(col, n - col).MaxBy(r => Math.Abs(m[r, col]));
            for (var j = 0; j < n; j++)
            {
                (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            }

            (x[col], x[pivot]) = (x[pivot], x[col]);
            for (var r = col + 1; r < n; r++)
            {
                var f = m[r, col] / m[col, col];
                for (var j = col; j < n; j++)
                {
                    m[r, j] -= f * m[col, j];
                }

                x[r] -= f * x[col];
            }
        }

        for (var r = n - 1; r >= 0; r--)
        {
            for (var j = r + 1; j < n; j++)
            {
                x[r] -= m[r, j] * x[j];
            }

            x[r] /= m[r, r];
        }

        return x;
    }
}
