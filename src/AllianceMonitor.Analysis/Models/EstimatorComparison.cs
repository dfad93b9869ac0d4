using System.Globalization;
using System.Text.Json.Serialization;
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
    /// Sets one coefficient of the two estimators side by side. They disagree when their 95% intervals do not overlap;
    /// then a plain sentence says so, with both numbers, and which estimate to read. Overlapping intervals get no
    /// sentence: the data cannot tell the two apart.
    /// </summary>
    public static ComparisonReport Compare(
        LaggedModelDefinition question, ComparedQuantity quantity, FixedEffect personMeanCentred, FixedEffect initialConditions)
    {
        var overlap = personMeanCentred.CiLow <= initialConditions.CiHigh && initialConditions.CiLow <= personMeanCentred.CiHigh;
        return new ComparisonReport(
            question.Name,
            quantity,
            Side(personMeanCentred),
            Side(initialConditions),
            overlap,
            overlap ? null : Sentence(question, quantity, personMeanCentred, initialConditions));
    }

    public static string Sentence(LaggedModelDefinition question, ComparedQuantity quantity, FixedEffect personMeanCentred, FixedEffect initialConditions)
    {
        var (what, why) = quantity switch
        {
            ComparedQuantity.WithinEffect => (
                $"the within-patient effect of {question.Predictor} on next-session {question.Outcome}",
                $"the person-mean-centred estimate is biased in short series, more so when {question.Outcome} feeds back into {question.Predictor}"),
            _ => (
                $"the carry-over of {question.Outcome} to the next session",
                "the person-mean-centred carry-over is biased towards zero in short series (Nickell 1981)"),
        };
        return $"The two estimators disagree on {what}: {Interval(personMeanCentred)} person-mean-centred against "
            + $"{Interval(initialConditions)} initial-conditions, and the 95% intervals do not overlap; {why}, so read the initial-conditions estimate.";
    }

    private static EstimateReport Side(FixedEffect effect) => new(effect.Term, effect.Estimate, effect.StdError, effect.CiLow, effect.CiHigh);

    private static string Interval(FixedEffect effect) =>
        string.Create(CultureInfo.InvariantCulture, $"{effect.Estimate:0.00} (95% CI {effect.CiLow:0.00} to {effect.CiHigh:0.00})");
}
