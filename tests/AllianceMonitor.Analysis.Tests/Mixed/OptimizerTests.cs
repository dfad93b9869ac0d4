using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;
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

    /// <summary>
    /// A clinic whose patients' alliance-to-symptoms slopes differ (so the model's random slope matters) but whose
    /// alliance barely varies within patients: the slope's variance has its optimum on its bound, where the profiled
    /// deviance flattens. Newton steps with a reused Hessian used to creep towards it (0.12 to 0.003 in twenty steps),
    /// and the fine simplex then spent about 500 more evaluations ending a few 1e-6 off the bound.
    /// </summary>
    [Fact]
    public void Newton_steps_reach_a_variance_on_its_bound_without_the_fine_simplex()
    {
        var rng = new Random(7);
        var series = new ClinicSeries();
        int[] sessions = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        for (var p = 0; p < 5000; p++)
        {
            var level = 4 + rng.NextDouble();
            var symptomLevel = 10 + (5 * rng.NextDouble());
            var slope = 0.5 * rng.NextDouble();
            var alliance = sessions.Select(_ => Math.Round(level + (0.3 * (rng.NextDouble() - 0.5)), 2)).ToArray();
            var symptoms = alliance.Select((a, i) => Math.Round(symptomLevel - ((2 + (slope * i)) * a) + (3 * rng.NextDouble()))).ToArray();
            series.AddPatient($"p{p:D4}", sessions, alliance, new Dictionary<string, double[]> { ["phq-9"] = symptoms });
        }

        var deviance = new ProfiledDeviance(series.LaggedSymptomDesign("phq-9", ModelCatalog.AllianceToSymptoms));
        double F(double[] t) => deviance.Evaluate(t, FitMethod.Reml);

        var polished = NewtonPolishedOptimizer.Default.Minimize(F, deviance.InitialTheta(), deviance.LowerBounds());
        var fine = new BoundedNelderMead(SimplexTolerance: 1e-10).Minimize(F, deviance.InitialTheta(), deviance.LowerBounds());

        Assert.Equal(OptimizerStopReason.FunctionTolerance, polished.StopReason); // Newton's, not the fine simplex's
        Assert.Equal(0.0, polished.Minimizer[2]);
        Assert.True(polished.Minimum <= fine.Minimum + (1e-12 * Math.Abs(fine.Minimum)), $"{polished.Minimum:R} against {fine.Minimum:R}");
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
    /// <summary>
    /// Like a profiled deviance in a relative SD: even in x, with its optimum at x = 0.04 when <paramref name="inside"/>
    /// (negative curvature at the bound x = 0), else at the bound; y is an ordinary interior coordinate coupled to x.
    /// </summary>
    private static Func<double[], double> EvenInFirst(bool inside) =>
        x => 1 + (100 * Math.Pow((x[0] * x[0]) + (inside ? -0.0016 : 0.0016), 2)) + Math.Pow(x[1] - 0.5, 2) + (0.1 * x[0] * x[0] * x[1]);

    /// <summary>Stands in for the coarse simplex ending on the bound: returns its start.</summary>
    private sealed class StaysAtStart : IBoundedOptimizer
    {
        public int Calls { get; private set; }

        public OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds)
        {
            Calls++;
            return new OptimizationResult((double[])start.Clone(), objective(start), 1, 0, OptimizerStopReason.ParameterTolerance);
        }
    }

    /// <summary>
    /// The 1M clinic's symptom fit: the coarse simplex ended with a relative SD on its bound while its optimum was 0.0395,
    /// and the polish, too close to the bound for central differences, left everything to the fine simplex (330
    /// evaluations in all). Now it searches off the bound and Newton finishes; a true boundary optimum stays on it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Newton_starts_off_a_bound_the_coarse_search_ended_on(bool inside)
    {
        var fine = new StaysAtStart();
        var optimizer = new NewtonPolishedOptimizer(new StaysAtStart(), fine);
        var f = EvenInFirst(inside);

        var result = optimizer.Minimize(f, [0.0, 0.4], [0.0, double.NegativeInfinity]);

        Assert.Equal(0, fine.Calls); // Newton finished; the fine simplex was not needed.
        var reference = new BoundedNelderMead(SimplexTolerance: 1e-12).Minimize(f, [0.1, 0.4], [0.0, double.NegativeInfinity]);
        Assert.True(result.Minimum <= reference.Minimum + 1e-13, $"{result.Minimum:R} against {reference.Minimum:R}");
        if (inside)
        {
            Assert.Equal(reference.Minimizer[0], result.Minimizer[0], 5);
            Assert.True(result.Minimizer[0] > 0.03);
        }
        else
        {
            Assert.Equal(0.0, result.Minimizer[0]); // exactly on the bound
        }

        Assert.Equal(reference.Minimizer[1], result.Minimizer[1], 5);
    }

    /// <summary>
    /// An objective that bends on the scale of the finite-difference step (1e6 + e^(x/s) - x/s - 1, s = 3e-4, minimum at 0):
    /// central differences with the step h = 1e-4 vanish where e^(x/s) = (h/s) / sinh(h/s), x = -0.018 s, 1.7e-4 above
    /// the minimum, and Newton started just left of there converges to it (the next step's failure looks like rounding
    /// noise next to 1e6). At a tenth of the step the gradient there is -60: Newton has not finished, the fine search
    /// takes over and reaches the minimum.
    /// </summary>
    [Fact]
    public void Newton_hands_over_when_a_finer_step_shows_it_stopped_off_the_optimum()
    {
        const double S = 3e-4;
        static double F(double[] x) => 1e6 + Math.Exp(x[0] / S) - (x[0] / S) - 1 + Math.Pow(x[1] - 0.3, 2);
        var fine = new StaysAtStart();

        var stopped = new NewtonPolishedOptimizer(new StaysAtStart(), fine).Minimize(F, [-6e-6, 0.2], Unbounded);
        var finished = new NewtonPolishedOptimizer(new StaysAtStart(), new BoundedNelderMead()).Minimize(F, [-6e-6, 0.2], Unbounded);

        Assert.Equal(1, fine.Calls);
        Assert.True(stopped.Minimum - 1e6 > 1e-4, $"Newton stopped at {stopped.Minimizer[0]}, {stopped.Minimum - 1e6} above 1e6");
        Assert.True(finished.Minimum - 1e6 < 1e-8, $"{finished.Minimum - 1e6} above 1e6 at {finished.Minimizer[0]}");
    }

    /// <summary>
    /// A coarse search ending just inside a bound whose optimum is on it: the polish pins the coordinate, and its
    /// derivatives of the others must be taken around the objective on the bound. Around the value just inside (as
    /// before), the second difference was off by twice the gap over the step squared, the Hessian looked indefinite and
    /// the fine simplex ran for nothing.
    /// </summary>
    [Fact]
    public void Newton_continues_from_the_objective_at_a_coordinate_pinned_to_its_bound()
    {
        static double F(double[] x) => x[0] + Math.Pow(x[1] - 0.3, 2);
        var fine = new StaysAtStart();
        var optimizer = new NewtonPolishedOptimizer(new StaysAtStart(), fine);

        var result = optimizer.Minimize(F, [5e-5, 0.2], [0.0, double.NegativeInfinity]);

        Assert.Equal(0, fine.Calls);
        Assert.Equal(0.0, result.Minimizer[0]);
        Assert.Equal(0.3, result.Minimizer[1], 10);
        Assert.Equal(F(result.Minimizer), result.Minimum);
    }
}
