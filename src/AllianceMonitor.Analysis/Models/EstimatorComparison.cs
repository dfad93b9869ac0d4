using System.Globalization;
using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>The coefficients the two estimators of a lagged model are compared on.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ComparedQuantity>))]
public enum ComparedQuantity
{
    /// <summary>The within-patient lagged effect of the predictor on the next session's outcome.</summary>
    WithinEffect,

    /// <summary>The outcome's own lagged coefficient.</summary>
    CarryOver,
}

public static class EstimatorComparison
{
    /// <summary>
    /// Sets one coefficient of the two estimators side by side, with the Anderson–Hsiao check and the joint model when
    /// they could be computed (both with cluster-robust intervals). Two estimates disagree when their 95% intervals do not
    /// overlap; then a plain sentence says so, with both numbers, and which estimate to read. Overlapping intervals get
    /// no sentence: the data cannot tell the two apart.
    /// </summary>
    public static ComparisonReport Compare(
        LaggedModelDefinition question, ComparedQuantity quantity, FixedEffect personMeanCentred, FixedEffect initialConditions,
        FixedEffect? andersonHsiao = null, FixedEffect? joint = null)
    {
        var overlap = Overlap(personMeanCentred, initialConditions);
        var checkAgrees = andersonHsiao is null ? (bool?)null : Overlap(andersonHsiao, initialConditions);
        var jointAgrees = joint is null ? (bool?)null : Overlap(joint, initialConditions);
        return new ComparisonReport(
            question.Name,
            quantity,
            Side(personMeanCentred, IntervalKind.Wald),
            Side(initialConditions, IntervalKind.Wald),
            andersonHsiao is null ? null : Side(andersonHsiao, IntervalKind.ClusterRobustWald),
            overlap,
            overlap ? null : Sentence(question, quantity, personMeanCentred, initialConditions),
            checkAgrees == false ? CheckSentence(question, quantity, andersonHsiao!, initialConditions) : null,
            joint is null ? null : Side(joint, IntervalKind.ClusterRobustWald),
            jointAgrees == false ? JointSentence(question, quantity, joint!, initialConditions) : null);
    }

    public static bool Overlap(FixedEffect a, FixedEffect b) => a.CiLow <= b.CiHigh && b.CiLow <= a.CiHigh;

    public static string Sentence(LaggedModelDefinition question, ComparedQuantity quantity, FixedEffect personMeanCentred, FixedEffect initialConditions)
    {
        // The bench (docs/analysis.md) shows the carry-over settled by the initial-conditions model, but not the within
        // effect: feedback of the outcome into the predictor biases both mixed models, so that sentence points to the check.
        var advice = quantity == ComparedQuantity.WithinEffect
            ? $"the initial-conditions estimate is the less biased in short series, but feedback of {question.Outcome} into {question.Predictor} biases both, so compare them with the Anderson–Hsiao check"
            : "the person-mean-centred carry-over is biased towards zero in short series (Nickell 1981), so read the initial-conditions estimate";
        return $"The two estimators disagree on {What(question, quantity)}: {Interval(personMeanCentred)} person-mean-centred against "
            + $"{Interval(initialConditions)} initial-conditions, and the 95% intervals do not overlap; {advice}.";
    }

    /// <summary>
    /// When the instrumental-variable check falls outside the initial-conditions interval. Its usual cause for the
    /// within effect is feedback of the outcome into the predictor, which biases both mixed models (the person mean of
    /// the predictor then carries future outcomes); the check is consistent under it, at the price of wider intervals.
    /// </summary>
    public static string CheckSentence(LaggedModelDefinition question, ComparedQuantity quantity, FixedEffect andersonHsiao, FixedEffect initialConditions) =>
        $"The Anderson–Hsiao check puts {What(question, quantity)} at {Interval(andersonHsiao)}, outside the initial-conditions "
        + $"{Interval(initialConditions)}: when {question.Outcome} feeds back into {question.Predictor}, both mixed-model estimates are biased "
        + "and the wider Anderson–Hsiao interval is the one to trust.";

    /// <summary>
    /// When the joint model falls outside the initial-conditions interval. Its usual cause for the within effect is the
    /// same feedback: the joint model is unbiased under it (docs/analysis.md, measured on two generators), and its
    /// cluster-robust interval counts the estimation of the variance parameters.
    /// </summary>
    public static string JointSentence(LaggedModelDefinition question, ComparedQuantity quantity, FixedEffect joint, FixedEffect initialConditions) =>
        $"The joint model of {question.Outcome} and {question.Predictor} puts {What(question, quantity)} at {Interval(joint)} "
        + $"(cluster-robust), outside the initial-conditions {Interval(initialConditions)}: when {question.Outcome} feeds back into "
        + $"{question.Predictor}, the initial-conditions estimate is biased and the joint one is the one to read.";

    private static string What(LaggedModelDefinition question, ComparedQuantity quantity) => quantity == ComparedQuantity.WithinEffect
        ? $"the within-patient effect of {question.Predictor} on next-session {question.Outcome}"
        : $"the carry-over of {question.Outcome} to the next session";

    private static EstimateReport Side(FixedEffect effect, IntervalKind interval) =>
        new(effect.Term, effect.Estimate, effect.StdError, effect.CiLow, effect.CiHigh, interval);

    private static string Interval(FixedEffect effect) =>
        string.Create(CultureInfo.InvariantCulture, $"{effect.Estimate:0.00} (95% CI {effect.CiLow:0.00} to {effect.CiHigh:0.00})");
}
