using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The faster computations of the joint fit's information and sandwich against the dense code they replaced
/// (<see cref="DenseJointInformation"/>), to 1e-8 relative: the reported standard errors must not move.
/// </summary>
public sealed class JointFastPathTests
{
    public static TheoryData<ulong, bool, bool, bool> Variants => new()
    {
        { 515, false, false, true },
        { 516, true, false, true },
        { 517, true, true, false },
        { 518, true, true, true },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Derivatives_equal_the_dense_computation(ulong seed, bool outcomeTrend, bool predictorTrend, bool randomSlope)
    {
        var design = Design(40, seed, new JointModel(ModelCatalog.AllianceToSymptoms, outcomeTrend, predictorTrend, randomSlope));
        var spec = design.Spec(3.5);
        var (rowScale, rowClass) = Rows(design, 3.5);
        var p = spec.FixedTerms.Count;
        var q = spec.RandomEffects[0].Q;
        var g = new double[q, q];
        for (var a = 0; a < q; a++)
        {
            for (var b = 0; b < q; b++)
            {
                g[a, b] = a == b ? 1.5 / (a + 1) : 0.1 * (a - b) * (a - b) / q;
            }
        }

        var parameters = new JointInformation.Parameters(Enumerable.Range(0, p).Select(a => (0.1 * (a % 5)) - 0.2).ToArray(), g, [7, 0.3]);

        var dense = DenseJointInformation.Derivatives(spec, rowScale, rowClass, parameters);
        var fast = JointInformation.Derivatives(spec, rowScale, rowClass, parameters);

        DenseJointInformation.AssertEqualsDense(dense, fast);
    }

    [Fact]
    public void Information_and_sandwich_of_a_fit_equal_the_dense_computation()
    {
        var design = Design(60, 77, new JointModel(ModelCatalog.AllianceToSymptoms));
        var fit = JointFitter.Fit(design);
        var spec = design.Spec(fit.Scale);
        var (rowScale, rowClass) = Rows(design, fit.Scale);
        var parameters = JointInformation.Parameters.At(fit.Fit, [fit.OutcomeResidualVariance, fit.PredictorResidualVariance]);
        var p = spec.FixedTerms.Count;

        var (information, sandwich) = JointInformation.Covariances(DenseJointInformation.Derivatives(spec, rowScale, rowClass, parameters), p);

        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b < p; b++)
            {
                var scale = Math.Sqrt(Math.Abs(information[(a * p) + a] * information[(b * p) + b]));
                Tolerance.Close(information[(a * p) + b], fit.Full.Information[a][b], 1e-8, 1e-12 * scale, $"information [{a},{b}]");
                var sandwichScale = Math.Sqrt(Math.Abs(sandwich[(a * p) + a] * sandwich[(b * p) + b]));
                Tolerance.Close(sandwich[(a * p) + b], fit.Full.Sandwich[a][b], 1e-8, 1e-12 * sandwichScale, $"sandwich [{a},{b}]");
            }
        }
    }

    private static JointDesign Design(int patients, ulong seed, JointModel model) => JointDesign.Build(
        SessionSimulator.Simulate(patients, seed, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations,
        model);

    private static (double[] Scale, int[] Class) Rows(JointDesign design, double scale) =>
        (Enumerable.Range(0, 2 * design.Pairs).Select(r => r >= design.Pairs ? 1 / scale : 1).ToArray(),
         Enumerable.Range(0, 2 * design.Pairs).Select(r => r >= design.Pairs ? 1 : 0).ToArray());
}
