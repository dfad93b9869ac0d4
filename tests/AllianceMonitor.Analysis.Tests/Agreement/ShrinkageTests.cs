using AllianceMonitor.Analysis.Agreement;

namespace AllianceMonitor.Analysis.Tests.Agreement;

public sealed class ShrinkageTests
{
    private static List<(string, IReadOnlyList<double>)> Groups(params (string Name, double[] Values)[] groups) =>
        groups.Select(g => (g.Name, (IReadOnlyList<double>)g.Values)).ToList();

    [Fact]
    public void Unbalanced_groups_are_shrunk_as_computed_by_hand()
    {
        // A = {1, 3}, B = {4, 6, 8}, C = {5}: N = 6, J = 3, grand mean 27/6 = 4.5, group means 2, 6, 5.
        // SSW = 2 + 8 + 0 = 10, MSW = 10/3; SSB = 2(2.5²) + 3(1.5²) + 1(0.5²) = 19.5, MSB = 9.75;
        // n0 = (6 - 14/6) / 2 = 11/6; tau² = (9.75 - 10/3) / (11/6) = 3.5.
        // B_A = 3.5 / (3.5 + 5/3) = 21/31, B_B = 3.5 / (3.5 + 10/9) = 63/83, B_C = 3.5 / (3.5 + 10/3) = 21/41.
        var result = RandomInterceptShrinkage.Estimate(Groups(("A", [1, 3]), ("B", [4, 6, 8]), ("C", [5])))!;

        Assert.Equal(4.5, result.GrandMean, 12);
        Assert.Equal(10.0 / 3, result.WithinVariance, 12);
        Assert.Equal(3.5, result.BetweenVariance, 12);
        var byName = result.Groups.ToDictionary(g => g.Group);
        Assert.Equal(21.0 / 31, byName["A"].Weight, 12);
        Assert.Equal(4.5 + (21.0 / 31 * -2.5), byName["A"].Shrunk, 12);
        Assert.Equal(63.0 / 83, byName["B"].Weight, 12);
        Assert.Equal(4.5 + (63.0 / 83 * 1.5), byName["B"].Shrunk, 12);
        Assert.Equal(21.0 / 41, byName["C"].Weight, 12);
        Assert.Equal(4.5 + (21.0 / 41 * 0.5), byName["C"].Shrunk, 12);
        Assert.Equal((2, 2.0), (byName["A"].Units, byName["A"].Raw));
    }

    [Fact]
    public void Groups_that_differ_less_than_chance_are_all_the_clinic()
    {
        var result = RandomInterceptShrinkage.Estimate(Groups(("A", [1, 3]), ("B", [1, 3])))!;

        Assert.Equal(0.0, result.BetweenVariance);
        Assert.All(result.Groups, g => Assert.Equal((0.0, 2.0), (g.Weight, g.Shrunk)));
    }

    [Fact]
    public void Groups_without_spread_inside_keep_their_own_means()
    {
        var result = RandomInterceptShrinkage.Estimate(Groups(("A", [1, 1]), ("B", [3, 3])))!;

        Assert.Equal(0.0, result.WithinVariance);
        Assert.Equal([1.0, 3.0], result.Groups.Select(g => g.Shrunk));
        Assert.All(result.Groups, g => Assert.Equal(1.0, g.Weight));
    }

    [Fact]
    public void One_group_or_only_single_units_cannot_be_estimated()
    {
        Assert.Null(RandomInterceptShrinkage.Estimate(Groups(("A", [1, 3, 5]))));
        Assert.Null(RandomInterceptShrinkage.Estimate(Groups(("A", [1]), ("B", [3]), ("C", []))));
    }
}
