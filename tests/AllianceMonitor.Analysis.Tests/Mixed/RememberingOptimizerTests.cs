using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Tests.Mixed;

public sealed class RememberingOptimizerTests
{
    /// <summary>Unconstrained minimum at x0 &lt; 0; with x0 &gt;= 0 the minimum is (0, 0.5): the bound makes points repeat.</summary>
    private static double MinimumBeyondBound(double[] x) => Math.Pow(x[0] + 2, 2) + Math.Pow(x[1] - 0.5, 2) + (x[0] * x[1]);

    [Fact]
    public void Gives_the_inner_optimizers_result_bit_for_bit_evaluating_each_point_once()
    {
        double[] lower = [0.0, double.NegativeInfinity];
        var innerCalls = 0;
        var inner = NewtonPolishedOptimizer.Default.Minimize(
            x =>
            {
                innerCalls++;
                return MinimumBeyondBound(x);
            },
            [1.0, 1.0],
            lower);

        var points = new List<double[]>();
        var remembered = new RememberingOptimizer(NewtonPolishedOptimizer.Default).Minimize(
            x =>
            {
                points.Add((double[])x.Clone());
                return MinimumBeyondBound(x);
            },
            [1.0, 1.0],
            lower);

        Assert.Equal(inner.Minimizer.Select(BitConverter.DoubleToInt64Bits), remembered.Minimizer.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(BitConverter.DoubleToInt64Bits(inner.Minimum), BitConverter.DoubleToInt64Bits(remembered.Minimum));
        Assert.Equal((inner.Evaluations, inner.Iterations, inner.StopReason), (remembered.Evaluations, remembered.Iterations, remembered.StopReason));
        var distinct = points.Select(p => string.Join(",", p.Select(BitConverter.DoubleToInt64Bits))).Distinct().Count();
        Assert.Equal(points.Count, distinct);
        Assert.True(points.Count < innerCalls, $"{points.Count} evaluations, {innerCalls} without remembering: no point repeated");
    }
}
