using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Mixed;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class JointModelTests
{
    private static readonly JointModel Model = new(ModelCatalog.AllianceToSymptoms);

    [Fact]
    public void Design_stacks_one_outcome_row_and_one_scaled_predictor_row_per_complete_pair()
    {
        // Patient c lacks symptoms at session 1, so its first symptoms are session 2's and c(1,2) is dropped; d skips session 2.
        SessionObservation[] rows =
        [
            new("a", null, 1, 4.0, 10), new("a", null, 2, 5.0, 8), new("a", null, 3, 3.0, 9),
            new("b", null, 1, 2.0, 20), new("b", null, 2, 3.0, 18),
            new("c", null, 1, 3.0, null), new("c", null, 2, 3.5, 14), new("c", null, 3, 3.0, 13),
            new("d", null, 1, 5.0, 5), new("d", null, 3, 4.0, 6), new("d", null, 4, 4.5, 7),
            new("e", null, 1, 4.0, 12), new("e", null, 2, 4.0, 11),
            new("f", null, 1, 3.0, 15), new("f", null, 2, 3.0, 14),
            new("g", null, 1, 4.5, 9), new("g", null, 2, 5.0, 7),
        ];

        var design = JointDesign.Build(rows, Model);
        var spec = design.Spec(2);

        // Pairs: a(1,2) a(2,3) b(1,2) c(2,3) d(3,4) e(1,2) f(1,2) g(1,2); outcome rows first, then the same pairs' predictor rows times 2.
        Assert.Equal(8, design.Pairs);
        Assert.Equal(Model.FixedTerms, spec.FixedTerms);
        AssertClose([8.0, 9, 18, 13, 7, 11, 14, 7, 10, 6, 6, 6, 9, 8, 6, 10], spec.Response);
        int Column(string equation, string regressor) => spec.FixedTerms.ToList().IndexOf(JointModel.Term(equation, regressor));
        AssertClose([10.0, 8, 20, 14, 6, 12, 15, 9, 0, 0, 0, 0, 0, 0, 0, 0], spec.FixedColumn(Column("symptoms_next", "symptoms")));
        AssertClose([0.0, 0, 0, 0, 0, 0, 0, 0, 8, 10, 4, 7, 8, 8, 6, 9], spec.FixedColumn(Column("alliance_next", "alliance")));
        AssertClose([10.0, 10, 20, 14, 5, 12, 15, 9, 0, 0, 0, 0, 0, 0, 0, 0], spec.FixedColumn(Column("symptoms_next", "symptoms_first")));
        AssertClose([0.0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 4, 6, 10, 8, 6, 9], spec.FixedColumn(Column("alliance_next", "alliance_first")));
        AssertClose([0.0, 0, 0, 0, 0, 0, 0, 0, 16, 18, 36, 26, 14, 22, 28, 14], spec.FixedColumn(spec.FixedTerms.ToList().IndexOf(Model.ContemporaneousTerm)));
        AssertClose([1.0, 2, 1, 2, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], spec.FixedColumn(Column("symptoms_next", "session")));
        Assert.Equal(Model.RandomTerms, spec.RandomEffects[0].Terms);
        AssertClose([0.0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2], spec.RandomEffects[0].Column(2));
    }

    /// <summary>
    /// The objective the scale search minimises, at a fixed theta and scale, against the textbook weighted marginal deviance
    /// of the unscaled stacked data (V = W^-1 + Z Lambda Lambda' Z', lme4's prior weights W = scale^2 on the predictor rows):
    /// the scaling of the rows and the Jacobian term together are exactly lme4's weighted criterion.
    /// </summary>
    [Theory]
    [InlineData(FitMethod.Reml, 6.0)]
    [InlineData(FitMethod.Ml, 6.0)]
    [InlineData(FitMethod.Reml, 0.7)]
    public void Objective_at_a_theta_and_scale_equals_the_weighted_marginal_deviance(FitMethod method, double scale)
    {
        var data = SessionSimulator.Simulate(15, 4242, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations;
        var design = JointDesign.Build(data, Model);
        double[] theta = [0.5, 0.1, 0.05, 0.3, -0.02, 0.2];
        var weights = Enumerable.Repeat(1.0, design.Pairs).Concat(Enumerable.Repeat(scale * scale, design.Pairs)).ToArray();

        var expected = MarginalDeviance.Evaluate(design.Spec(1), theta, method, weights);
        var actual = JointFitter.Objective(new ProfiledDeviance(design.Spec(scale)).Evaluate(theta, method), design.Pairs, scale);

        Tolerance.Close(expected, actual, 1e-10, 1e-9, "objective");
    }

    [Fact]
    public void Fitted_scale_minimises_the_profiled_objective()
    {
        var data = SessionSimulator.Simulate(60, 77, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations;
        var design = JointDesign.Build(data, Model);

        var fit = JointFitter.Fit(design);

        Assert.True(fit.Fit.Converged);
        Assert.Equal(fit.Fit.ResidualVariance / (fit.Scale * fit.Scale), fit.PredictorResidualVariance, 12);
        foreach (var factor in new[] { 0.98, 1.02 })
        {
            var other = MixedModelFitter.Fit(design.Spec(fit.Scale * factor), startTheta: fit.Fit.Theta);
            var objective = JointFitter.Objective(other.Objective, design.Pairs, fit.Scale * factor);
            Assert.True(objective > fit.Objective, $"scale x {factor}: {objective:R} is not above the optimum {fit.Objective:R}");
        }
    }

    [Fact]
    public void Model_names_the_outcome_equation_terms()
    {
        Assert.Equal("alliance_to_symptoms_joint", Model.Name);
        Assert.Equal("symptoms_next:alliance", Model.WithinTerm);
        Assert.Equal("symptoms_next:symptoms", Model.CarryOverTerm);
        Assert.Equal("alliance_next:symptoms_next", Model.ContemporaneousTerm);
        Assert.Equal("symptoms_next:alliance_next", new JointModel(ModelCatalog.SymptomsToAlliance).ContemporaneousTerm);
        Assert.Equal("alliance_next:symptoms", new JointModel(ModelCatalog.SymptomsToAlliance).WithinTerm);
    }

    [Fact]
    public void Too_little_data_is_reported()
    {
        SessionObservation[] rows = [new("a", null, 1, 4.0, 10), new("a", null, 2, 5.0, 8), new("b", null, 1, 4.0, 10), new("b", null, 2, 5.0, 8)];

        Assert.Throws<InsufficientDataException>(() => JointDesign.Build(rows, Model));
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<double> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }
}
