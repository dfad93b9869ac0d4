using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Mixed;

public sealed class OptimizerTests
{
    private static readonly double[] Unbounded = [double.NegativeInfinity, double.NegativeInfinity];

    public static TheoryData<string> Optimizers => ["nelder-mead", "newton-polished"];

    /// <summary>Rosenbrock: minimum 0 at (1, 1), far from the start and along a bent valley.</summary>
    private static double Rosenbrock(double[] x) => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2);

    /// <summary>Unconstrained minimum at x0 &lt; 0; with x0 &gt;= 0 the minimum is (0, 0.5).</summary>
    private static double MinimumBeyondBound(double[] x) => Math.Pow(x[0] + 2, 2) + Math.Pow(x[1] - 0.5, 2) + (x[0] * x[1]);

    private static IBoundedOptimizer Create(string name) =>
        name == "nelder-mead" ? new BoundedNelderMead() : NewtonPolishedOptimizer.Default;

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Finds_an_interior_minimum_of_a_curved_valley(string optimizer)
    {
        var result = Create(optimizer).Minimize(Rosenbrock, [-1.2, 1.0], Unbounded);

        // Central differences with step 1e-4 carry a bias of order h^2 times the third derivative,
        // which Rosenbrock's steep walls turn into a few 1e-6 in x; deviances are far smoother.
        Assert.True(result.Converged);
        Assert.Equal(1.0, result.Minimizer[0], 5);
        Assert.Equal(1.0, result.Minimizer[1], 5);
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Stops_exactly_on_a_bound_when_the_unconstrained_minimum_lies_beyond_it(string optimizer)
    {
        var result = Create(optimizer).Minimize(MinimumBeyondBound, [1.0, 1.0], [0.0, double.NegativeInfinity]);

        Assert.True(result.Converged);
        Assert.Equal(0.0, result.Minimizer[0]);
        Assert.Equal(0.5, result.Minimizer[1], 6);
    }

    [Fact]
    public void Simplex_reports_non_convergence_when_the_budget_runs_out()
    {
        var result = new BoundedNelderMead(MaxEvaluations: 30).Minimize(Rosenbrock, [-1.2, 1.0], Unbounded);

        Assert.False(result.Converged);
    }

    [Fact]
    public void Newton_polish_needs_fewer_evaluations_than_a_tight_simplex_on_a_real_deviance()
    {
        var deviance = new ProfiledDeviance(Specs.For("medium", "alliance_to_symptoms"));
        double F(double[] t) => deviance.Evaluate(t, FitMethod.Reml);

        var polished = NewtonPolishedOptimizer.Default.Minimize(F, deviance.InitialTheta(), deviance.LowerBounds());
        var simplex = new BoundedNelderMead().Minimize(F, deviance.InitialTheta(), deviance.LowerBounds());

        Assert.True(polished.Minimum <= simplex.Minimum + 1e-8, $"polished {polished.Minimum:R} vs simplex {simplex.Minimum:R}");
        Assert.True(polished.Evaluations < simplex.Evaluations, $"{polished.Evaluations} vs {simplex.Evaluations} evaluations");
    }
}
