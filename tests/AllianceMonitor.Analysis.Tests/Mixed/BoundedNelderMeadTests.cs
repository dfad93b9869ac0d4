using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Tests.Mixed;

public sealed class BoundedNelderMeadTests
{
    [Fact]
    public void Finds_an_interior_minimum_of_a_curved_valley()
    {
        // Rosenbrock: minimum 0 at (1, 1), far from the start and along a bent valley.
        static double Rosenbrock(double[] x) => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2);

        var result = new BoundedNelderMead().Minimize(Rosenbrock, [-1.2, 1.0], [double.NegativeInfinity, double.NegativeInfinity]);

        Assert.True(result.Converged);
        Assert.Equal(1.0, result.Minimizer[0], 6);
        Assert.Equal(1.0, result.Minimizer[1], 6);
    }

    [Fact]
    public void Stops_exactly_on_a_bound_when_the_unconstrained_minimum_lies_beyond_it()
    {
        static double Shifted(double[] x) => Math.Pow(x[0] + 2, 2) + Math.Pow(x[1] - 0.5, 2) + (x[0] * x[1]);

        var result = new BoundedNelderMead().Minimize(Shifted, [1.0, 1.0], [0.0, double.NegativeInfinity]);

        Assert.True(result.Converged);
        Assert.Equal(0.0, result.Minimizer[0]);
        Assert.Equal(0.5, result.Minimizer[1], 6);
    }

    [Fact]
    public void Reports_non_convergence_when_the_budget_runs_out()
    {
        static double Rosenbrock(double[] x) => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2);

        var result = new BoundedNelderMead(MaxEvaluations: 30).Minimize(Rosenbrock, [-1.2, 1.0], [double.NegativeInfinity, double.NegativeInfinity]);

        Assert.False(result.Converged);
    }
}
