using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Mixed;

/// <summary>The optimizer's account of a fit is what happened: start as given, evaluations counted, iterations not confused with them.</summary>
public sealed class FitSummaryTests
{
    private static double Rosenbrock(double[] x) => (100 * Math.Pow(x[1] - (x[0] * x[0]), 2)) + Math.Pow(1 - x[0], 2);

    [Theory]
    [InlineData("alliance_to_symptoms")]
    [InlineData("alliance_to_symptoms_nested")]
    public void Summary_carries_the_given_start_the_counted_evaluations_and_the_final_theta(string model)
    {
        var spec = Specs.For("therapists", model);
        double[] start = model.EndsWith("_nested", StringComparison.Ordinal) ? [0.5, 0.1, 0.5, 0.2] : [0.5, 0.1, 0.5];
        var counter = new CountingOptimizer(NewtonPolishedOptimizer.Default);

        var fit = MixedModelFitter.Fit(spec, FitMethod.Reml, counter, start);
        var summary = fit.Optimization;

        Assert.Equal(start, summary.StartTheta);
        Assert.Equal(fit.Theta, summary.FinalTheta);
        Assert.Equal(counter.Calls, summary.Evaluations);
        Assert.NotNull(summary.Iterations);
        Assert.InRange(summary.Iterations.Value, 1, summary.Evaluations - 1);
        Assert.True(summary.Converged);
        Assert.NotEqual(OptimizerStopReason.MaxEvaluations, summary.StopReason);
        Assert.True(fit.Converged);
    }

    [Fact]
    public void Default_start_is_lme4s_identity_factor()
    {
        var fit = MixedModelFitter.Fit(Specs.For("small", "alliance_to_symptoms"));

        Assert.Equal([1.0, 0.0, 1.0], fit.Optimization.StartTheta);
    }

    [Fact]
    public void A_start_of_the_wrong_length_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => MixedModelFitter.Fit(Specs.For("small", "null_model"), startTheta: [1.0, 0.0]));
    }

    [Fact]
    public void Running_out_of_evaluations_is_reported_as_such_and_not_as_convergence()
    {
        var fit = MixedModelFitter.Fit(Specs.For("small", "alliance_to_symptoms"), optimizer: new BoundedNelderMead(MaxEvaluations: 12));

        Assert.Equal(OptimizerStopReason.MaxEvaluations, fit.Optimization.StopReason);
        Assert.False(fit.Converged);
        Assert.InRange(fit.Optimization.Evaluations, 12, 14);
    }

    [Fact]
    public void Simplex_names_the_tolerance_that_stopped_it()
    {
        double[] unbounded = [double.NegativeInfinity, double.NegativeInfinity];
        var bySize = new BoundedNelderMead(SimplexTolerance: 0.1, ValueTolerance: 0, MaxRestarts: 0).Minimize(Rosenbrock, [-1.2, 1.0], unbounded);
        var byValue = new BoundedNelderMead(SimplexTolerance: 0, ValueTolerance: 0.5, MaxRestarts: 0).Minimize(Rosenbrock, [-1.2, 1.0], unbounded);

        Assert.Equal(OptimizerStopReason.ParameterTolerance, bySize.StopReason);
        Assert.Equal(OptimizerStopReason.FunctionTolerance, byValue.StopReason);
        Assert.All([bySize, byValue], r => Assert.InRange(r.Iterations!.Value, 1, r.Evaluations - 3)); // the first simplex costs 3 evaluations
    }

    [Fact]
    public void A_fit_stops_at_the_next_evaluation_once_its_token_is_cancelled()
    {
        var spec = Specs.For("therapists", "alliance_to_symptoms");
        using var source = new CancellationTokenSource();
        var counter = new CountingOptimizer(NewtonPolishedOptimizer.Default) { CancelAfter = (5, source) };

        Assert.Throws<OperationCanceledException>(() => MixedModelFitter.Fit(spec, FitMethod.Reml, counter, cancellationToken: source.Token));
        Assert.Equal(6, counter.Calls); // the sixth evaluation found the token cancelled

        // A token never cancelled changes nothing.
        using var idle = new CancellationTokenSource();
        var (plain, watched) = (MixedModelFitter.Fit(spec), MixedModelFitter.Fit(spec, cancellationToken: idle.Token));
        Assert.Equal(plain.Theta, watched.Theta);
        Assert.Equal(plain.Optimization.Evaluations, watched.Optimization.Evaluations);
    }

    /// <summary>Counts the objective calls the wrapped optimizer makes.</summary>
    private sealed class CountingOptimizer(IBoundedOptimizer inner) : IBoundedOptimizer
    {
        public int Calls { get; private set; }

        /// <summary>Cancels the source once this many evaluations have returned.</summary>
        public (int Evaluations, CancellationTokenSource Source)? CancelAfter { get; init; }

        public OptimizationResult Minimize(Func<double[], double> objective, double[] start, double[] lowerBounds) =>
            inner.Minimize(
                x =>
                {
                    Calls++;
                    var value = objective(x);
                    if (CancelAfter is { } cancel && Calls == cancel.Evaluations)
                    {
                        cancel.Source.Cancel();
                    }

                    return value;
                },
                start,
                lowerBounds);
    }
}
