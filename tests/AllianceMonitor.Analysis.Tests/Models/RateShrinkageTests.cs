using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class RateShrinkageTests
{
    [Fact]
    public void Worked_example_follows_the_moment_estimator()
    {
        // p̄ = 15/30 = 0.5; Σ n (p̂ − p̄)² = 10 (0.16 + 0.16 + 0) = 3.2; (k − 1) p̄(1 − p̄) = 0.5; N − Σn²/N = 30 − 10 = 20;
        // τ² = 2.7 / 20 = 0.135; M = 0.25 / 0.135 − 1 = 23/27; first group (9 + M/2) / (10 + M).
        var result = RateShrinkage.Shrink([(9, 10), (1, 10), (5, 10)]);
        var m = 23.0 / 27;
        Assert.Equal(0.5, result.PooledRate!.Value, 12);
        Assert.Equal(0.135, result.BetweenVariance, 12);
        Assert.Equal(m, result.PriorStrength!.Value, 12);
        Assert.Equal((9 + (m / 2)) / (10 + m), result.Rates[0].Rate!.Value, 12);
        Assert.Equal((1 + (m / 2)) / (10 + m), result.Rates[1].Rate!.Value, 12);
        Assert.Equal(0.5, result.Rates[2].Rate!.Value, 12);
    }

    [Fact]
    public void Rates_that_differ_no_more_than_binomial_noise_all_become_the_pooled_rate()
    {
        var result = RateShrinkage.Shrink([(3, 6), (2, 4), (5, 10), (0, 0)]);
        Assert.Equal(0, result.BetweenVariance);
        Assert.Null(result.PriorStrength);
        Assert.All(result.Rates, r => Assert.Equal(0.5, r.Rate!.Value, 12));
    }

    [Fact]
    public void Each_rate_lies_between_its_raw_rate_and_the_pooled_rate_and_fewer_trials_pull_harder()
    {
        var groups = new (int, int)[] { (1, 2), (10, 20), (19, 20), (2, 20), (0, 0) };
        var result = RateShrinkage.Shrink(groups);
        var pooled = result.PooledRate!.Value;
        Assert.NotNull(result.PriorStrength);
        foreach (var r in result.Rates.Where(r => r.Trials > 0))
        {
            var raw = (double)r.Successes / r.Trials;
            Assert.InRange(r.Rate!.Value, Math.Min(raw, pooled), Math.Max(raw, pooled));
        }

        Assert.Equal(pooled, result.Rates[4].Rate!.Value, 12);
        // (1, 2) and (10, 20) have the same raw rate; the one with fewer trials ends nearer the pooled rate.
        Assert.True(Math.Abs(result.Rates[0].Rate!.Value - pooled) <= Math.Abs(result.Rates[1].Rate!.Value - pooled));
    }

    [Fact]
    public void Without_trials_there_is_no_rate()
    {
        var result = RateShrinkage.Shrink([(0, 0), (0, 0)]);
        Assert.Null(result.PooledRate);
        Assert.All(result.Rates, r => Assert.Null(r.Rate));
        Assert.Throws<ArgumentException>(() => RateShrinkage.Shrink([(3, 2)]));
    }
}
