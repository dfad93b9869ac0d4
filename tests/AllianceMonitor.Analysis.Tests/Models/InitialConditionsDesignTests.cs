using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class InitialConditionsDesignTests
{
    [Fact]
    public void Design_rows_hold_the_raw_lagged_outcome_and_the_first_present_outcome()
    {
        // Patient c has no symptoms at session 1, so its first outcome is session 2's; c(1,2) lacks the lagged outcome.
        SessionObservation[] rows =
        [
            new("a", null, 1, 4.0, 10), new("a", null, 2, 5.0, 8), new("a", null, 3, 3.0, 9),
            new("b", null, 1, 2.0, 20), new("b", null, 2, 3.0, 18), new("b", null, 3, 4.0, 16),
            new("c", null, 1, 3.0, null), new("c", null, 2, 3.0, 14), new("c", null, 3, 3.0, 13),
            new("d", null, 1, 5.0, 5), new("d", null, 2, 4.0, 6),
            new("e", null, 1, 4.0, 12), new("e", null, 2, 4.0, 11),
            new("f", null, 1, 4.0, 7), new("f", null, 2, 4.0, 6),
        ];
        var model = new InitialConditionsModel(ModelCatalog.AllianceToSymptoms);

        var spec = InitialConditionsDesign.Build(rows, model);

        // Alliance person means: a 4, b 3, c 3, d 4.5, e 4, f 4; grand mean 3.75.
        // Pairs: a(1,2) a(2,3) b(1,2) b(2,3) [c(1,2) lacks symptoms at t] c(2,3) d(1,2) e(1,2) f(1,2).
        Assert.Equal(model.FixedTerms, spec.FixedTerms);
        Assert.Equal(8, spec.ObservationCount);
        AssertClose([8.0, 9, 18, 16, 13, 6, 11, 6], spec.Response);
        AssertClose([0.0, 1, -1, 0, 0, 0.5, 0, 0], spec.FixedColumn(1));
        AssertClose([0.25, 0.25, -0.75, -0.75, -0.75, 0.75, 0.25, 0.25], spec.FixedColumn(2));
        AssertClose([10.0, 8, 20, 18, 14, 5, 12, 7], spec.FixedColumn(3));
        AssertClose([10.0, 10, 20, 20, 14, 5, 12, 7], spec.FixedColumn(4));
        AssertClose([1.0, 2, 1, 2, 2, 1, 1, 1], spec.FixedColumn(5));
        Assert.Equal(spec.FixedColumn(1).ToArray(), spec.RandomEffects[0].Column(1).ToArray());
    }

    [Fact]
    public void The_formula_names_the_raw_lag_and_the_initial_condition()
    {
        Assert.Equal(
            "symptoms_next ~ alliance_within + alliance_between + symptoms + symptoms_first + session + (1 + alliance_within | patient_id)",
            new InitialConditionsModel(ModelCatalog.AllianceToSymptoms).Formula);
        Assert.Equal(
            "alliance_next ~ symptoms_within + symptoms_between + alliance + alliance_first + session + (1 + symptoms_within | patient_id)",
            new InitialConditionsModel(ModelCatalog.SymptomsToAlliance).Formula);
    }

    [Fact]
    public void Too_little_data_is_reported()
    {
        SessionObservation[] rows = [new("a", null, 1, 4.0, 10), new("a", null, 2, 5.0, 8), new("b", null, 1, 4.0, 10), new("b", null, 2, 5.0, 8)];

        Assert.Throws<InsufficientDataException>(() => InitialConditionsDesign.Build(rows, new InitialConditionsModel(ModelCatalog.AllianceToSymptoms)));
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
