namespace AllianceMonitor.Analysis.Agreement;

/// <summary>One group's mean pulled towards the grand mean.</summary>
/// <param name="Units">How many values the group has.</param>
/// <param name="Raw">The group's own mean.</param>
/// <param name="Shrunk">The empirical Bayes estimate: grand mean + <see cref="Weight"/> x (raw - grand mean).</param>
/// <param name="Weight">tau² / (tau² + sigma² / n): the share of the group's own deviation that is kept (0 to 1).</param>
public sealed record ShrunkMean(string Group, int Units, double Raw, double Shrunk, double Weight);

/// <summary>The variance components and every group's shrunk mean.</summary>
/// <param name="GrandMean">The mean over all units (each unit counts once).</param>
/// <param name="BetweenVariance">tau²: the variance of the groups' true means, truncated at 0.</param>
/// <param name="WithinVariance">sigma²: the pooled variance of units around their group's mean.</param>
public sealed record ShrinkageResult(double GrandMean, double BetweenVariance, double WithinVariance, IReadOnlyList<ShrunkMean> Groups);

/// <summary>
/// Empirical Bayes shrinkage under a random-intercept model y_ij = mu + u_j + e_ij, with u_j ~ N(0, tau²) and
/// e_ij ~ N(0, sigma²), the variance components estimated by the method of moments of the unbalanced one-way ANOVA
/// (Searle, Casella &amp; McCulloch 1992, ch. 3): sigma² = MSW, tau² = max(0, (MSB - MSW) / n0) with
/// n0 = (N - sum n_j² / N) / (J - 1). Each group's mean becomes mu + B_j (ybar_j - mu), B_j = tau² / (tau² + sigma² / n_j):
/// a group with few units, or a clinic whose groups barely differ, is pulled most of the way to the clinic. Closed form,
/// no iteration, so a hand computation checks it exactly.
/// </summary>
public static class RandomInterceptShrinkage
{
    /// <summary>Null when the components cannot be estimated: fewer than two groups, or no group with two or more units.</summary>
    public static ShrinkageResult? Estimate(IReadOnlyList<(string Group, IReadOnlyList<double> Values)> groups)
    {
        var used = groups.Where(g => g.Values.Count > 0).ToList();
        var n = used.Sum(g => g.Values.Count);
        var j = used.Count;
        if (j < 2 || n <= j)
        {
            return null;
        }

        var grand = used.SelectMany(g => g.Values).Average();
        double withinSquares = 0, betweenSquares = 0, sizeSquares = 0;
        foreach (var (_, values) in used)
        {
            var mean = values.Average();
            withinSquares += values.Sum(v => (v - mean) * (v - mean));
            betweenSquares += values.Count * (mean - grand) * (mean - grand);
            sizeSquares += (double)values.Count * values.Count;
        }

        var msw = withinSquares / (n - j);
        var msb = betweenSquares / (j - 1);
        var n0 = (n - (sizeSquares / n)) / (j - 1);
        var tau2 = Math.Max(0, (msb - msw) / n0);
        var shrunk = used.Select(g =>
        {
            var mean = g.Values.Average();
            // tau² = 0: the groups do not differ beyond chance, so every group is the clinic (also when sigma² = 0 too).
            var weight = tau2 <= 0 ? 0 : tau2 / (tau2 + (msw / g.Values.Count));
            return new ShrunkMean(g.Group, g.Values.Count, mean, grand + (weight * (mean - grand)), weight);
        }).ToList();
        return new ShrinkageResult(grand, tau2, msw, shrunk);
    }
}
