using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class EstimatorComparisonTests
{
    private static FixedEffect Effect(string term, double estimate, double low, double high) =>
        new(term, estimate, (high - low) / 3.92, 0, low, high);

    [Fact]
    public void Intervals_that_do_not_overlap_get_a_sentence_with_both_numbers()
    {
        var comparison = EstimatorComparison.Compare(
            ModelCatalog.AllianceToSymptoms, ComparedQuantity.CarryOver,
            Effect("symptoms_within", 0.17, 0.13, 0.21), Effect("symptoms", 0.452, 0.41, 0.49));

        Assert.False(comparison.IntervalsOverlap);
        Assert.Equal(
            "The two estimators disagree on the carry-over of symptoms to the next session: 0.17 (95% CI 0.13 to 0.21) person-mean-centred "
            + "against 0.45 (95% CI 0.41 to 0.49) initial-conditions, and the 95% intervals do not overlap; the person-mean-centred carry-over "
            + "is biased towards zero in short series (Nickell 1981), so read the initial-conditions estimate.",
            comparison.Sentence);
        Assert.Equal("symptoms_within", comparison.PersonMeanCentred.Term);
        Assert.Equal("symptoms", comparison.InitialConditions.Term);
        Assert.Null(comparison.AndersonHsiao);
        Assert.Null(comparison.CheckSentence);
    }

    [Theory]
    [InlineData(-1.9, -2.3, -1.5)]
    [InlineData(-1.5, -1.7, -1.3)] // touching at -1.7 counts as overlap
    public void Overlapping_intervals_get_no_sentence(double estimate, double low, double high)
    {
        var comparison = EstimatorComparison.Compare(
            ModelCatalog.AllianceToSymptoms, ComparedQuantity.WithinEffect,
            Effect("alliance_within", -2.0, -2.4, -1.7), Effect("alliance_within", estimate, low, high));

        Assert.True(comparison.IntervalsOverlap);
        Assert.Null(comparison.Sentence);
    }

    [Fact]
    public void A_disagreeing_within_effect_names_predictor_and_outcome()
    {
        var comparison = EstimatorComparison.Compare(
            ModelCatalog.SymptomsToAlliance, ComparedQuantity.WithinEffect,
            Effect("symptoms_within", -0.05, -0.06, -0.04), Effect("symptoms_within", -0.02, -0.03, -0.01));

        Assert.StartsWith("The two estimators disagree on the within-patient effect of symptoms on next-session alliance: -0.05", comparison.Sentence, StringComparison.Ordinal);
        Assert.EndsWith(
            "and the 95% intervals do not overlap; the initial-conditions estimate is the less biased in short series, but feedback of "
            + "alliance into symptoms biases both, so compare them with the Anderson–Hsiao check.",
            comparison.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void An_anderson_hsiao_check_outside_the_initial_conditions_interval_gets_its_own_sentence()
    {
        var centred = Effect("alliance_within", -1.5, -1.9, -1.1);
        var initial = Effect("alliance_within", -1.5, -1.8, -1.2);

        var outside = EstimatorComparison.Compare(
            ModelCatalog.AllianceToSymptoms, ComparedQuantity.WithinEffect, centred, initial, Effect("alliance_diff", -2.9, -3.8, -2.0));
        var inside = EstimatorComparison.Compare(
            ModelCatalog.AllianceToSymptoms, ComparedQuantity.WithinEffect, centred, initial, Effect("alliance_diff", -2.1, -3.0, -1.2));

        Assert.Null(outside.Sentence);
        Assert.Equal(
            "The Anderson–Hsiao check puts the within-patient effect of alliance on next-session symptoms at -2.90 (95% CI -3.80 to -2.00), "
            + "outside the initial-conditions -1.50 (95% CI -1.80 to -1.20): when symptoms feeds back into alliance, both mixed-model "
            + "estimates are biased and the wider Anderson–Hsiao interval is the one to trust.",
            outside.CheckSentence);
        Assert.Equal("alliance_diff", outside.AndersonHsiao!.Term);
        Assert.Null(inside.CheckSentence);
    }

    [Fact]
    public void The_report_of_a_short_series_clinic_says_the_carry_over_estimates_disagree()
    {
        var data = SessionSimulator.Simulate(
            400, 11, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsCarryOver: 0.45)).Observations;

        var report = AnalysisReportBuilder.Build(data.ToArray(), FitMethod.Reml, [ModelCatalog.AllianceToSymptoms]);

        Assert.Equal(
            [("alliance_to_symptoms", Estimator.PersonMeanCentred), ("alliance_to_symptoms_initial_conditions", Estimator.InitialConditions)],
            report.Models.Select(m => (m.Name, m.Estimator)));
        var carry = report.Comparisons.Single(c => c.Quantity == ComparedQuantity.CarryOver);
        Assert.False(carry.IntervalsOverlap);
        Assert.StartsWith("The two estimators disagree on the carry-over of symptoms", carry.Sentence, StringComparison.Ordinal);
        Assert.Equal(report.Models[0].FixedEffects.Single(f => f.Term == "symptoms_within").Estimate, carry.PersonMeanCentred.Estimate);
        Assert.Equal(report.Models[1].FixedEffects.Single(f => f.Term == "symptoms").Estimate, carry.InitialConditions.Estimate);
        Assert.NotNull(carry.AndersonHsiao);
        Assert.Equal(IntervalKind.Wald, carry.InitialConditions.Interval);
        Assert.Equal(IntervalKind.ClusterRobustWald, carry.AndersonHsiao!.Interval);
        Assert.Equal(IntervalKind.ClusterRobustWald, carry.JointInitialConditions!.Interval);
        Assert.Equal("symptoms_next:symptoms", carry.JointInitialConditions.Term);
    }

    /// <summary>Strong feedback: the joint model's within effect lies outside the initial-conditions interval, and says so.</summary>
    [Fact]
    public void The_joint_estimator_is_reported_and_its_own_sentence_set_when_it_disagrees()
    {
        var centred = Effect("alliance_within", -1.5, -1.9, -1.1);
        var initial = Effect("alliance_within", -1.5, -1.8, -1.2);

        var outside = EstimatorComparison.Compare(
            ModelCatalog.AllianceToSymptoms, ComparedQuantity.WithinEffect, centred, initial, joint: Effect("symptoms_next:alliance", -2.1, -2.5, -1.9));
        var inside = EstimatorComparison.Compare(
            ModelCatalog.AllianceToSymptoms, ComparedQuantity.WithinEffect, centred, initial, joint: Effect("symptoms_next:alliance", -1.9, -2.3, -1.5));

        Assert.Equal(
            "The joint model of symptoms and alliance puts the within-patient effect of alliance on next-session symptoms at -2.10 "
            + "(95% CI -2.50 to -1.90) (cluster-robust), outside the initial-conditions -1.50 (95% CI -1.80 to -1.20): when symptoms "
            + "feeds back into alliance, the initial-conditions estimate is biased and the joint one is the one to read.",
            outside.JointSentence);
        Assert.Equal(IntervalKind.ClusterRobustWald, outside.JointInitialConditions!.Interval);
        Assert.Null(inside.JointSentence);
        Assert.NotNull(inside.JointInitialConditions);
        Assert.Null(EstimatorComparison.Compare(ModelCatalog.AllianceToSymptoms, ComparedQuantity.WithinEffect, centred, initial).JointInitialConditions);
    }
}
