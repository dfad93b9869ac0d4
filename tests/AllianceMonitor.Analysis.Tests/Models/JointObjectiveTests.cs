using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;
using Xunit.Abstractions;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The objective of theta and log(scale) combined from each row kind's cross-products (<see cref="JointObjective"/>) and
/// the one optimization over both (<see cref="JointFitter.Fit"/>) against the stacked model refitted at each scale
/// (<see cref="JointFitter.FitByScaleSearch"/>, the estimator it replaced).
/// </summary>
public sealed class JointObjectiveTests(ITestOutputHelper output)
{
    public static TheoryData<string, bool, bool, bool, FitMethod> Variants => new()
    {
        { "alliance_to_symptoms", false, false, true, FitMethod.Reml },
        { "alliance_to_symptoms", true, true, true, FitMethod.Ml },
        { "symptoms_to_alliance", true, false, false, FitMethod.Reml },
        { "symptoms_to_alliance", false, true, true, FitMethod.Ml },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void At_a_fixed_scale_the_combined_objective_equals_the_stacked_model_refitted_there(
        string question, bool outcomeTrend, bool predictorTrend, bool randomSlope, FitMethod method)
    {
        var design = JointDesign.Build(Simulated(60, 611), new JointModel(ModelCatalog.Find(question)!, outcomeTrend, predictorTrend, randomSlope));
        var objective = new JointObjective(design, method);
        var random = new Random(7);
        foreach (var scale in new[] { 0.3, 1.0, 4.2, 11.0 })
        {
            for (var draw = 0; draw < 3; draw++)
            {
                var theta = objective.Start(1)[..objective.ThetaLength];
                var bounds = objective.LowerBounds();
                for (var k = 0; k < theta.Length; k++)
                {
                    theta[k] = bounds[k] == 0 ? random.NextDouble() * (draw + 1) * 0.3 : (random.NextDouble() - 0.5) * 0.2;
                }

                var stacked = JointFitter.Objective(new ProfiledDeviance(design.Spec(scale)).Evaluate(theta, method), design.Pairs, scale);
                Tolerance.Close(stacked, objective.Evaluate(theta, Math.Log(scale)), 1e-10, 0, $"scale {scale}, theta {string.Join(" ", theta)}");
                Tolerance.Close(stacked, objective.Evaluate([.. theta, Math.Log(scale)]), 1e-10, 0, "the optimizer's form");
            }
        }
    }

    /// <summary>
    /// The objective recombines its products in place when the scale moves: after any sequence of scales, its value is
    /// bit for bit that of a new objective evaluated at that scale alone (nothing of an earlier scale is left behind).
    /// </summary>
    [Theory]
    [InlineData("alliance_to_symptoms", FitMethod.Reml)]
    [InlineData("symptoms_to_alliance", FitMethod.Ml)]
    public void Moving_the_scale_back_and_forth_gives_the_values_of_a_fresh_objective(string question, FitMethod method)
    {
        var design = JointDesign.Build(Simulated(60, 612), new JointModel(ModelCatalog.Find(question)!, OutcomeTrend: true));
        var moving = new JointObjective(design, method);
        var theta = moving.Start(1)[..moving.ThetaLength];
        for (var k = 0; k < theta.Length; k++)
        {
            theta[k] = 0.1 + (0.05 * k);
        }

        foreach (var logScale in new[] { 0.4, -1.3, 0.4, 2.2, -1.3, 0.0, 0.4 })
        {
            var fresh = new JointObjective(design, method).Evaluate(theta, logScale);
            Assert.Equal(BitConverter.DoubleToInt64Bits(fresh), BitConverter.DoubleToInt64Bits(moving.Evaluate(theta, logScale)));
        }
    }

    /// <summary>
    /// Where the outer search is at the optimum (SessionSimulator's clinics, as in <see cref="JointRecoveryTests"/>), both
    /// find the same fit. The search's default tolerance leaves the scale to about 1e-4 relative and the estimates to about
    /// 1e-5, so the reference here is the search with its tolerance on log(scale) tightened to 1e-6; the objective is flat
    /// enough in the scale that both then agree on it to about 1e-6 and on the estimates and SEs to a few 1e-6. (For
    /// symptoms_to_alliance the search stops in a local optimum on seeds 3 to 5: see the next test.)
    /// </summary>
    [Theory]
    [InlineData("alliance_to_symptoms", 1UL, FitMethod.Reml)]
    [InlineData("alliance_to_symptoms", 2UL, FitMethod.Ml)]
    [InlineData("alliance_to_symptoms", 6UL, FitMethod.Reml)]
    public void Joint_optimization_reaches_the_scale_search_fit_on_simulated_clinics(string question, ulong seed, FitMethod method)
    {
        var design = JointDesign.Build(Simulated(400, seed), new JointModel(ModelCatalog.Find(question)!));

        var joint = JointFitter.Fit(design, method);
        var search = JointFitter.FitByScaleSearch(design, method, logScaleTolerance: 1e-6);

        output.WriteLine($"objective {joint.Objective:R} (search {search.Objective:R}), scale {joint.Scale:R} (search {search.Scale:R}), {joint.Evaluations} evaluations");
        Assert.True(joint.Fit.Converged);
        Tolerance.Close(search.Objective, joint.Objective, 1e-11, 0, "objective");
        Tolerance.Close(search.Scale, joint.Scale, 1e-5, 0, "scale");
        foreach (var term in design.Model.FixedTerms)
        {
            var (expected, actual) = (search.Fit.Fixed(term), joint.Fit.Fixed(term));
            Tolerance.Close(expected.Estimate, actual.Estimate, 5e-6, 5e-6 * expected.StdError, $"{term} estimate");
            Tolerance.Close(expected.StdError, actual.StdError, 5e-6, 0, $"{term} model-based SE");
            Tolerance.Close(search.RobustFixed(term).StdError, joint.RobustFixed(term).StdError, 5e-6, 0, $"{term} robust SE");
        }
    }

    /// <summary>
    /// Uniform noise, the summary's worst case (singular random effects), and simulated clinics where the outer search
    /// stops in a local optimum: the joint optimization must never end higher (beyond rounding).
    /// </summary>
    [Theory]
    [InlineData("alliance_to_symptoms", false, 21, FitMethod.Reml)]
    [InlineData("symptoms_to_alliance", false, 22, FitMethod.Reml)]
    [InlineData("symptoms_to_alliance", false, 23, FitMethod.Ml)]
    [InlineData("alliance_to_symptoms", false, 24, FitMethod.Ml)]
    [InlineData("symptoms_to_alliance", true, 3, FitMethod.Reml)]
    [InlineData("symptoms_to_alliance", true, 4, FitMethod.Reml)]
    [InlineData("symptoms_to_alliance", true, 5, FitMethod.Ml)]
    public void Joint_optimization_is_never_above_the_scale_search(string question, bool simulated, int seed, FitMethod method)
    {
        // SessionSimulator's clinics of seeds 3 to 5 are where the search stops 0.01 to 0.5 above the joint optimum.
        var data = simulated ? Simulated(400, (ulong)seed) : UniformNoise(300, 8, seed);
        var design = JointDesign.Build(data, new JointModel(ModelCatalog.Find(question)!));

        var joint = JointFitter.Fit(design, method);
        var search = JointFitter.FitByScaleSearch(design, method);

        output.WriteLine($"objective {joint.Objective:R} (search {search.Objective:R}, difference {joint.Objective - search.Objective:E2}), scale {joint.Scale:R} (search {search.Scale:R})");
        Assert.True(joint.Objective <= search.Objective + (1e-12 * Math.Abs(search.Objective)), $"{joint.Objective:R} above the search's {search.Objective:R}");
    }

    private static IReadOnlyList<SessionObservation> Simulated(int patients, ulong seed) =>
        SessionSimulator.Simulate(patients, seed, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations;

    /// <summary>Like bench/joint-speed's clinic: uniform WAI-SR means on a 1/12 grid and PHQ-9 totals, no patient effects.</summary>
    private static List<SessionObservation> UniformNoise(int patients, int sessions, int seed)
    {
        var random = new Random(seed);
        var data = new List<SessionObservation>();
        for (var p = 0; p < patients; p++)
        {
            for (var s = 1; s <= sessions; s++)
            {
                data.Add(new SessionObservation($"p-{p}", $"t-{p % 40}", s, Math.Round((1 + (random.NextDouble() * 4)) * 12) / 12, Math.Floor(random.NextDouble() * 28)));
            }
        }

        return data;
    }
}
