using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>One modality's within-patient lagged effect, read from its own slope in the moderated model.</summary>
public sealed record ModalityEffect(string Modality, bool IsReference, int Pairs, double Estimate, double StdError, double CiLow, double CiHigh);

/// <summary>The moderated fit: the reference level, one effect per level present, and the whole fit.</summary>
public sealed record ModalityModerationResult(string Reference, IReadOnlyList<ModalityEffect> Effects, MixedModelFit Fit);

/// <summary>
/// <c>alliance_to_symptoms</c> (or any lagged model) with the within-patient predictor crossed with modality
/// (video, phone, in_person; the level with the most pairs is the reference), random intercept and slope per patient
/// as in the plain model. See <see cref="LaggedDesign.BuildModerated"/> for the frame.
/// </summary>
public static class ModalityModeration
{
    public static IReadOnlyList<string> Levels { get; } = ["video", "phone", "in_person"];

    /// <exception cref="InsufficientDataException">Too few pairs or patients.</exception>
    public static ModalityModerationResult Fit(
        IReadOnlyCollection<SessionObservation> observations, Func<SessionObservation, string?> modality,
        LaggedModelDefinition model, FitMethod method = FitMethod.Reml)
    {
        // Reference = the level with the most sessions that could enter a pair (ties: the order of Levels).
        var counts = Levels.ToDictionary(l => l, _ => 0);
        foreach (var pair in LagPairs.Build(observations))
        {
            if (modality(pair.Current) is { } level && counts.TryGetValue(level, out var count))
            {
                counts[level] = count + 1;
            }
        }

        var ordered = Levels.OrderByDescending(l => counts[l]).ToList();
        var design = LaggedDesign.BuildModerated(observations, model, modality, ordered);
        var fit = MixedModelFitter.Fit(design.Spec, method);
        var effects = new List<ModalityEffect>();
        foreach (var level in ordered)
        {
            var term = LaggedDesign.ModeratedSlope(model, level);
            if (fit.FixedEffects.FirstOrDefault(f => f.Term == term) is { } f)
            {
                effects.Add(new ModalityEffect(level, effects.Count == 0, design.Pairs[level], f.Estimate, f.StdError, f.CiLow, f.CiHigh));
            }
        }

        return new ModalityModerationResult(effects[0].Modality, effects, fit);
    }
}
