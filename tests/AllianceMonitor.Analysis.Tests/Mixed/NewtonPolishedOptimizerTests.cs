using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Tests.Mixed;

public sealed class NewtonPolishedOptimizerTests
{
    private static double Rosenbrock(double[] x) => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2);

    [Fact]
    public void Reaches_the_minimum_tightly_from_a_coarse_start()
    {
        var result = NewtonPolishedOptimizer.Default.Minimize(Rosenbrock, [-1.2, 1.0], [double.NegativeInfinity, double.NegativeInfinity]);

        Assert.True(result.Converged);
        Assert.Equal(1.0, result.Minimizer[0], 6);
        Assert.Equal(1.0, result.Minimizer[1], 6);
    }

    [Fact]
    public void Holds_a_coordinate_on_its_bound_when_the_gradient_pushes_outwards()
    {
        static double Shifted(double[] x) => Math.Pow(x[0] + 2, 2) + Math.Pow(x[1] - 0.5, 2) + (x[0] * x[1]);

        var result = NewtonPolishedOptimizer.Default.Minimize(Shifted, [1.0, 1.0], [0.0, double.NegativeInfinity]);

        Assert.True(result.Converged);
        Assert.Equal(0.0, result.Minimizer[0]);
        Assert.Equal(0.5, result.Minimizer[1], 7);
    }

    [Fact]
    public void Uses_far_fewer_evaluations_than_a_tight_simplex_on_a_real_deviance()
    {
        var deviance = new ProfiledDeviance(Support.Specs.For("medium", "alliance_to_symptoms"));
        double F(double[] t) => deviance.Evaluate(t, FitMethod.Reml);

        var polished = NewtonPolishedOptimizer.Default.Minimize(F, deviance.InitialTheta(), deviance.LowerBounds());
        var simplex = new BoundedNelderMead().Minimize(F, deviance.InitialTheta(), deviance.LowerBounds());

        Assert.True(polished.Minimum <= simplex.Minimum + 1e-8, $"polished {polished.Minimum:R} vs simplex {simplex.Minimum:R}");
        Assert.True(polished.Evaluations < simplex.Evaluations, $"{polished.Evaluations} vs {simplex.Evaluations} evaluations");
    }
}
