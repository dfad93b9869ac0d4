using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>The changes that made the first summary at clinic size faster must not change what it reports.</summary>
public sealed class SummaryAtScaleTests
{
    [Fact]
    public void Nested_group_keys_equal_one_string_per_row()
    {
        (string Therapist, string Patient)[] rows =
        [
            ("t1", "p1"), ("t1", "p1"), ("t2", "p1"), ("t2", "p1"), ("t1", "p1"), ("t1", "p2"), (new string(['t', '1']), "p2"), ("t1", "p1"),
        ];

        var keys = NestedGroupKeys.Of(rows, r => r.Therapist, r => r.Patient);

        Assert.Equal(rows.Select(r => $"{r.Therapist}:{r.Patient}"), keys);
        Assert.Same(keys[0], keys[1]);
        Assert.NotSame(keys[1], keys[4]);
    }

    [Fact]
    public void A_joint_fit_without_the_fixed_theta_sandwich_is_the_same_fit()
    {
        var design = Design(60, 77);

        var with = JointFitter.Fit(design);
        var without = JointFitter.Fit(design, fixedThetaSandwich: false);

        Assert.NotNull(with.FixedThetaSandwich);
        Assert.Null(without.FixedThetaSandwich);
        Assert.Equal(with.Objective, without.Objective);
        Assert.Equal(with.Scale, without.Scale);
        Assert.Equal(with.Evaluations, without.Evaluations);
        Assert.Equal(with.WithinRobust, without.WithinRobust);
        Assert.Equal(with.CarryOverRobust, without.CarryOverRobust);
    }

    /// <summary>More patients than one batch of <see cref="JointInformation"/>'s parallel pass, against the dense code.</summary>
    [Fact]
    public void Derivatives_over_several_batches_of_patients_equal_the_dense_computation()
    {
        var design = Design(2_200, 515);
        var spec = design.Spec(3.5);
        var rowScale = Enumerable.Range(0, 2 * design.Pairs).Select(r => r >= design.Pairs ? 1 / 3.5 : 1).ToArray();
        var rowClass = Enumerable.Range(0, 2 * design.Pairs).Select(r => r >= design.Pairs ? 1 : 0).ToArray();
        int p = spec.FixedTerms.Count, q = spec.RandomEffects[0].Q;
        var g = new double[q, q];
        for (var a = 0; a < q; a++)
        {
            g[a, a] = 1.5 / (a + 1);
        }

        var parameters = new JointInformation.Parameters(Enumerable.Range(0, p).Select(a => (0.1 * (a % 5)) - 0.2).ToArray(), g, [7, 0.3]);

        var dense = DenseJointInformation.Derivatives(spec, rowScale, rowClass, parameters);
        var fast = JointInformation.Derivatives(spec, rowScale, rowClass, parameters);

        Assert.True(fast.Scores.Length > 2_000);
        DenseJointInformation.AssertEqualsDense(dense, fast);
    }

    private static JointDesign Design(int patients, ulong seed) => JointDesign.Build(
        SessionSimulator.Simulate(patients, seed, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations,
        new JointModel(ModelCatalog.AllianceToSymptoms));
}
