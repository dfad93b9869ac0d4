using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Tests.Mixed;

/// <summary>
/// A 2 x 2 factor theta = (l11, l21, l22) and an objective of its covariance only, Sigma = L L', its squared distance to a
/// target. With l11 on zero, Sigma = [[0, 0], [0, l21^2 + l22^2]] for either sign of l21, and the objective's derivative
/// along l11 is -4 * target12 * l21.
/// </summary>
public sealed class ZeroDiagonalColumnsTests
{
    private static readonly double[] Bounds = [0, double.NegativeInfinity, 0];

    private static readonly (int, int[])[] Columns = [(0, [1]), (2, [])];

    private static Func<double[], double> DistanceTo(double s11, double s12, double s22) => t =>
        Math.Pow((t[0] * t[0]) - s11, 2) + (2 * Math.Pow((t[0] * t[1]) - s12, 2)) + Math.Pow((t[1] * t[1]) + (t[2] * t[2]) - s22, 2);

    /// <summary>
    /// Target [[1, 0.9], [0.9, 1]]: at (0, -0.8, 0.6) the objective rises into the interior along l11 and is flat along
    /// the circle l21^2 + l22^2 = 1, so an optimizer holding l11 on its bound stops there (2.62); with l21 turned it falls
    /// into the interior, and the optimization from there reaches the target's factor (1, 0.9, sqrt(0.19)).
    /// </summary>
    [Fact]
    public void A_zero_diagonal_whose_column_descends_with_the_other_sign_is_released()
    {
        var f = DistanceTo(1, 0.9, 1);
        double[] held = [0, -0.8, 0.6];
        var stopped = NewtonPolishedOptimizer.Default.Minimize(f, held, Bounds);
        Assert.Equal(held, stopped.Minimizer);

        var released = ZeroDiagonalColumns.Released(NewtonPolishedOptimizer.Default, f, stopped, Bounds, Columns);

        Assert.True(released.Minimum < 1e-12, $"{released.Minimum}");
        Assert.Equal(1, released.Minimizer[0], 5);
        Assert.Equal(0.9, released.Minimizer[1], 5);
        Assert.Equal(Math.Sqrt(0.19), released.Minimizer[2], 5);
        Assert.True(released.Evaluations > stopped.Evaluations);
    }

    /// <summary>Target with no covariance and a negative first variance: l11 = 0 is the optimum for either sign of l21.</summary>
    [Fact]
    public void A_zero_diagonal_that_is_optimal_with_either_sign_is_kept_for_one_evaluation()
    {
        var f = DistanceTo(-0.5, 0, 1);
        var stopped = NewtonPolishedOptimizer.Default.Minimize(f, [0, -0.8, 0.6], Bounds);
        Assert.Equal(0, stopped.Minimizer[0]);

        var released = ZeroDiagonalColumns.Released(NewtonPolishedOptimizer.Default, f, stopped, Bounds, Columns);

        Assert.Equal(stopped.Minimizer, released.Minimizer);
        Assert.Equal(stopped.Minimum, released.Minimum);
        Assert.Equal(stopped.Evaluations + 1, released.Evaluations);
    }
}
