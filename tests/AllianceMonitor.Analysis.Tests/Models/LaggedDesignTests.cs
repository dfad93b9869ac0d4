using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class LaggedDesignTests
{
    [Fact]
    public void Design_rows_hold_centred_predictors_at_t_and_outcome_at_t_plus_one()
    {
        // Three patients with three sessions; patient c misses alliance at session 2.
        SessionObservation[] rows =
        [
            new("a", null, 1, 4.0, 10), new("a", null, 2, 5.0, 8), new("a", null, 3, 3.0, 9),
            new("b", null, 1, 2.0, 20), new("b", null, 2, 3.0, 18), new("b", null, 3, 4.0, 16),
            new("c", null, 1, 3.0, 15), new("c", null, 2, null, 14), new("c", null, 3, 3.0, 13),
            new("d", null, 1, 5.0, 5), new("d", null, 2, 4.0, 6),
            new("e", null, 1, 4.0, 12), new("e", null, 2, 4.0, 11),
        ];

        var spec = LaggedDesign.Build(rows, ModelCatalog.AllianceToSymptoms);

        // Person means of alliance: a 4, b 3, c 3, d 4.5, e 4; grand mean 3.7.
        // Symptom means: a 9, b 18, c 14, d 5.5, e 11.5.
        // Pairs: a(1,2) a(2,3) b(1,2) b(2,3) c(1,2) [c(2,3) lacks alliance at t] d(1,2) e(1,2).
        Assert.Equal(7, spec.ObservationCount);
        Assert.Equal(["a", "b", "c", "d", "e"], spec.RandomEffects[0].Levels);
        AssertClose([8.0, 9, 18, 16, 14, 6, 11], spec.Response);
        AssertClose([0.0, 1, -1, 0, 0, 0.5, 0], spec.FixedColumn(1));
        AssertClose([0.3, 0.3, -0.7, -0.7, -0.7, 0.8, 0.3], spec.FixedColumn(2));
        AssertClose([1.0, -1, 2, 0, 1, -0.5, 0.5], spec.FixedColumn(3));
        AssertClose([1.0, 2, 1, 2, 1, 1, 1], spec.FixedColumn(4));
        Assert.Equal(spec.FixedColumn(1).ToArray(), spec.RandomEffects[0].Column(1).ToArray());
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<double> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }

    [Fact]
    public void Too_little_data_is_reported()
    {
        SessionObservation[] rows = [new("a", null, 1, 4.0, 10), new("a", null, 2, 5.0, 8)];

        Assert.Throws<InsufficientDataException>(() => LaggedDesign.Build(rows, ModelCatalog.AllianceToSymptoms));
    }

    [Fact]
    public void Formulas_are_the_published_ones()
    {
        Assert.Equal(
            "symptoms_next ~ alliance_within + alliance_between + symptoms_within + session + (1 + alliance_within | patient_id)",
            ModelCatalog.AllianceToSymptoms.Formula);
        Assert.Equal(
            "alliance_next ~ symptoms_within + symptoms_between + alliance_within + session + (1 + symptoms_within | patient_id)",
            ModelCatalog.SymptomsToAlliance.Formula);
    }
}
