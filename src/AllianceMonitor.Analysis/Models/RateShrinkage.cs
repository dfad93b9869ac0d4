namespace AllianceMonitor.Analysis.Models;

/// <summary>A group's successes out of trials and its rate shrunk towards the pooled rate; null when nothing can be said.</summary>
public sealed record ShrunkRate(int Successes, int Trials, double? Rate);

/// <param name="PooledRate">All successes over all trials; null without trials.</param>
/// <param name="BetweenVariance">The moment estimate of the variance of the groups' true rates (0: no detectable difference).</param>
/// <param name="PriorStrength">a + b of the beta prior, in trials; null when the groups cannot be told apart (every rate is the pooled one).</param>
public sealed record RateShrinkageResult(double? PooledRate, double BetweenVariance, double? PriorStrength, IReadOnlyList<ShrunkRate> Rates);

/// <summary>
/// Empirical-Bayes (beta-binomial) shrinkage of per-group rates, such as each therapist's share of ruptures repaired. The
/// prior is a beta with the pooled rate p̄ as its mean; its spread τ² is the moment estimate (Kleinman 1973)
/// τ² = max(0, (Σ n_j (p̂_j − p̄)² − (k − 1) p̄(1 − p̄)) / (N − Σ n_j² / N)) over the k groups with trials (N trials in all):
/// what the groups' raw rates vary beyond binomial noise. The prior strength is M = p̄(1 − p̄)/τ² − 1 trials, and a group's
/// rate is the posterior mean (r_j + M p̄)/(n_j + M): a group with few trials stays near the pooled rate, one with many near
/// its own. With τ² = 0 every group gets p̄; a group without trials gets p̄ too (the prior alone).
/// </summary>
public static class RateShrinkage
{
    public static RateShrinkageResult Shrink(IReadOnlyList<(int Successes, int Trials)> groups)
    {
        foreach (var (r, n) in groups)
        {
            if (n < 0 || r < 0 || r > n)
            {
                throw new ArgumentException($"A group has {r} successes out of {n} trials.", nameof(groups));
            }
        }

        var withTrials = groups.Where(g => g.Trials > 0).ToList();
        double total = withTrials.Sum(g => g.Trials);
        if (total == 0)
        {
            return new RateShrinkageResult(null, 0, null, groups.Select(g => new ShrunkRate(g.Successes, g.Trials, null)).ToList());
        }

        var pooled = withTrials.Sum(g => g.Successes) / total;
        var binomial = pooled * (1 - pooled);
        var spread = withTrials.Sum(g => g.Trials * Math.Pow(((double)g.Successes / g.Trials) - pooled, 2));
        var denominator = total - (withTrials.Sum(g => (double)g.Trials * g.Trials) / total);
        var between = withTrials.Count < 2 || denominator <= 0 ? 0 : Math.Max(0, (spread - ((withTrials.Count - 1) * binomial)) / denominator);
        if (between == 0 || binomial == 0)
        {
            // No difference beyond binomial noise (or a pooled rate of 0 or 1): everyone is the clinic.
            return new RateShrinkageResult(pooled, between, null, groups.Select(g => new ShrunkRate(g.Successes, g.Trials, pooled)).ToList());
        }

        // τ² at or above p̄(1 − p̄) is as much spread as rates can have: no pull at all.
        var strength = Math.Max(0, (binomial / between) - 1);
        return new RateShrinkageResult(
            pooled, between, strength,
            groups.Select(g => new ShrunkRate(g.Successes, g.Trials, g.Trials + strength == 0 ? pooled : (g.Successes + (strength * pooled)) / (g.Trials + strength))).ToList());
    }
}
