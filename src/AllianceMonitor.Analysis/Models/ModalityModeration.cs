using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>One modality's within-patient lagged effect, read from its own slope in the moderated model (a 95% Wald interval).</summary>
public sealed record ModalityEffect(string Modality, bool IsReference, int Pairs, double Estimate, double StdError, double CiLow, double CiHigh);

/// <summary>A modality left out of the model because it had fewer complete lag pairs than the minimum.</summary>
public sealed record SuppressedModality(string Modality, int Pairs, int MinPairs);

/// <summary>The moderated fit and everything read from it.</summary>
/// <param name="Reference">The reported level with the most pairs.</param>
/// <param name="Effects">One slope per reported level, the reference first (Wald intervals, unadjusted).</param>
/// <param name="Suppressed">Levels with pairs, but fewer than <paramref name="MinPairsPerLevel"/>: their pairs are not in any fit.</param>
/// <param name="Contrasts">Every pair of reported levels (none with one level).</param>
/// <param name="OverallTest">The likelihood-ratio test of the moderation; null with fewer than two reported levels.</param>
/// <param name="Fit">The fit the effects and contrasts are read from (REML unless asked otherwise).</param>
public sealed record ModalityModerationResult(
    string Reference,
    IReadOnlyList<ModalityEffect> Effects,
    IReadOnlyList<SuppressedModality> Suppressed,
    IReadOnlyList<ModalityContrast> Contrasts,
    LikelihoodRatioTest? OverallTest,
    MixedModelFit Fit,
    int MinPairsPerLevel);

/// <summary>
/// <c>alliance_to_symptoms</c> (or any lagged model) with the within-patient predictor crossed with modality
/// (video, phone, in_person; the level with the most pairs is the reference), random intercept and slope per patient
/// as in the plain model. See <see cref="LaggedDesign.BuildModerated"/> for the frame.
/// </summary>
public static class ModalityModeration
{
    /// <summary>
    /// Levels with fewer complete lag pairs are left out. A level's slope rests on its pairs alone: with the simulator's
    /// noise its SE is about 10 PHQ-9 points per alliance point over the square root of the pairs, so below 50 pairs the
    /// interval is wider than +-2.8 points, larger than the effect the literature leads one to expect (about 2), and
    /// a contrast with it can only mislead.
    /// </summary>
    public const int DefaultMinPairsPerLevel = 50;

    public static IReadOnlyList<string> Levels { get; } = ["video", "phone", "in_person"];

    /// <param name="minPairsPerLevel">Levels with fewer complete pairs are dropped from every fit (and listed as suppressed).</param>
    /// <exception cref="InsufficientDataException">No level has enough pairs, or too few pairs or patients remain.</exception>
    public static ModalityModerationResult Fit(
        IReadOnlyCollection<SessionObservation> observations, Func<SessionObservation, string?> modality,
        LaggedModelDefinition model, FitMethod method = FitMethod.Reml, int minPairsPerLevel = DefaultMinPairsPerLevel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minPairsPerLevel);

        // Reference = the level with the most complete pairs (ties: the order of Levels).
        var counts = LaggedDesign.CountModerated(observations, model, modality);
        int Count(string level) => counts.TryGetValue(level, out var n) ? n : 0;
        var present = Levels.Where(l => Count(l) > 0).OrderByDescending(Count).ToList();
        var kept = present.Where(l => Count(l) >= Math.Max(1, minPairsPerLevel)).ToList();
        var suppressed = present.Except(kept).Select(l => new SuppressedModality(l, Count(l), minPairsPerLevel)).ToList();
        if (kept.Count == 0)
        {
            throw new InsufficientDataException(
                $"No modality has at least {minPairsPerLevel} complete lag pairs ({string.Join(", ", present.Select(l => $"{l} {Count(l)}"))}).");
        }

        var design = LaggedDesign.BuildModerated(observations, model, modality, kept);
        var fit = MixedModelFitter.Fit(design.Spec, method);
        var effects = kept.Select((level, i) =>
        {
            var f = fit.Fixed(LaggedDesign.ModeratedSlope(model, level));
            return new ModalityEffect(level, i == 0, design.Pairs[level], f.Estimate, f.StdError, f.CiLow, f.CiHigh);
        }).ToList();

        var contrasts = ModalityContrasts.Pairwise(fit, kept.Select(l => (l, LaggedDesign.ModeratedSlope(model, l))).ToList());
        LikelihoodRatioTest? test = null;
        if (kept.Count > 1)
        {
            // REML likelihoods of models with different fixed effects are not comparable: both sides are refitted by ML.
            var full = method == FitMethod.Ml ? fit : MixedModelFitter.Fit(design.Spec, FitMethod.Ml);
            var reduced = MixedModelFitter.Fit(LaggedDesign.BuildModerated(observations, model, modality, kept, commonSlope: true).Spec, FitMethod.Ml);
            test = LikelihoodRatioTest.Compare(full, reduced);
        }

        return new ModalityModerationResult(kept[0], effects, suppressed, contrasts, test, fit, minPairsPerLevel);
    }
}
