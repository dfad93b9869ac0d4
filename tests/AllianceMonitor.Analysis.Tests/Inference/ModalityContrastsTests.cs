using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Tests.Inference;

public sealed class ModalityContrastsTests
{
    /// <summary>Three slopes and their covariance, as a fit would carry them; the expected values were computed in R (qnorm, pnorm).</summary>
    private static MixedModelFit FitWith(double[] slopes, double[][] covariance)
    {
        var effects = slopes.Select((b, i) => new FixedEffect($"s{i}", b, Math.Sqrt(covariance[i][i]), 0, 0, 0)).ToArray();
        return new MixedModelFit(
            FitMethod.Reml, 100, 10, effects, covariance, [], [], 1, -100, 200, [1.0], [[]], false,
            new FitSummary([1.0], [1.0], 10, 5, OptimizerStopReason.FunctionTolerance));
    }

    [Fact]
    public void Contrasts_run_later_minus_earlier_with_Bonferroni_p_and_intervals_over_all_pairs()
    {
        var fit = FitWith([-2, -1.5, -3.1], [[0.04, 0.01, 0.005], [0.01, 0.09, 0.002], [0.005, 0.002, 0.25]]);

        var contrasts = ModalityContrasts.Pairwise(fit, [("video", "s0"), ("phone", "s1"), ("in_person", "s2")]);

        // R: e <- b[c] - b[a]; se <- sqrt(V[a,a] + V[c,c] - 2 V[a,c]); p <- 2 pnorm(-|e/se|); min(1, 3p); e -+ qnorm(1 - 0.025/3) se
        (string, string, double, double, double, double, double, double, double)[] expected =
        [
            ("phone", "video", 0.5, 0.33166247903554, 1.50755672288882, 0.131668016022814, 0.395004048068443, -0.293993275168813, 1.29399327516881),
            ("in_person", "video", -1.1, 0.529150262212918, -2.07880460155075, 0.0376353137873143, 0.112905941361943, -2.36677503880639, 0.166775038806394),
            ("in_person", "phone", -1.6, 0.579655069847578, -2.76026223736942, 0.00577549808930521, 0.0173264942679156, -2.98768252807749, -0.212317471922512),
        ];
        Assert.Equal(3, contrasts.Count);
        foreach (var (c, e) in contrasts.Zip(expected))
        {
            Assert.Equal((e.Item1, e.Item2), (c.Level, c.Versus));
            Assert.Equal(e.Item3, c.Estimate, 12);
            Assert.Equal(e.Item4, c.StdError, 12);
            Assert.Equal(e.Item5, c.Z, 10);
            Assert.Equal(e.Item6, c.PValue, 12);
            Assert.Equal(e.Item7, c.AdjustedPValue, 12);
            Assert.Equal(e.Item8, c.CiLow, 12);
            Assert.Equal(e.Item9, c.CiHigh, 12);
        }

        // The second contrast is the trap: |z| > 1.96 unadjusted, but not once the three comparisons are accounted for.
        Assert.True(Math.Abs(contrasts[1].Z) > 1.96 && contrasts[1].AdjustedPValue > 0.05 && contrasts[1].CiLow < 0 && contrasts[1].CiHigh > 0);
    }

    [Fact]
    public void One_level_has_no_contrasts_and_a_missing_term_is_an_error()
    {
        var fit = FitWith([-2, -1.5, -3.1], [[0.04, 0.01, 0.005], [0.01, 0.09, 0.002], [0.005, 0.002, 0.25]]);

        Assert.Empty(ModalityContrasts.Pairwise(fit, [("video", "s0")]));
        Assert.Throws<ArgumentException>(() => ModalityContrasts.Pairwise(fit, [("video", "s0"), ("phone", "nope")]));
    }

    [Theory]
    [InlineData(5.3, 3, 0.151102391098458)]
    [InlineData(0.7, 5, 0.982968675188032)]
    [InlineData(40, 7, 1.25879038737131e-06)]
    [InlineData(3.841458820694124, 1, 0.05)]
    public void Chi_square_upper_tail_equals_R_pchisq(double x, int df, double expected)
    {
        Assert.Equal(expected, ChiSquare.UpperTail(x, df), Math.Max(expected * 1e-10, 1e-14));
    }

    [Fact]
    public void Chi_square_tails_with_one_two_and_four_df_have_closed_forms()
    {
        foreach (var x in new[] { 0.01, 0.5, 2.0, 7.5, 30.0 })
        {
            Assert.Equal(Math.Exp(-x / 2), ChiSquare.UpperTail(x, 2), 1e-13);
            Assert.Equal(Math.Exp(-x / 2) * (1 + (x / 2)), ChiSquare.UpperTail(x, 4), 1e-13);
            Assert.Equal(2 * AllianceMonitor.Analysis.Ruptures.StandardNormal.UpperTail(Math.Sqrt(x)), ChiSquare.UpperTail(x, 1), 2e-7);
        }

        Assert.Equal(1.0, ChiSquare.UpperTail(0, 3));

        // R: qnorm(1 - 0.025 / 3), qnorm(0.975), pnorm(-3) * 2
        Assert.Equal(2.39397979981851, Normal.UpperQuantile(0.025 / 3), 12);
        Assert.Equal(1.95996398454005, Normal.UpperQuantile(0.025), 12);
        Assert.Equal(0.00269979606326019, Normal.TwoSidedP(-3), 15);
    }
}
