using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>The minimums below which the effects report leaves a level or a share out (see the defaults' reasons).</summary>
public sealed record EffectsSettings(
    int MinPairsPerModality = ModalityModeration.DefaultMinPairsPerLevel,
    int MinTherapists = TherapistShare.DefaultMinTherapists);

/// <summary>What the effects part of a report needs: each observation's modality (null when unknown) and the minimums.</summary>
public sealed record EffectsRequest(Func<SessionObservation, string?>? Modality, EffectsSettings Settings);

public static class EffectsReportBuilder
{
    /// <summary>Fits each part on its own; a part the data do not allow is null and its reason is listed.</summary>
    /// <param name="modality">Each observation's modality; null when the data carry none (the modality part is then null).</param>
    public static EffectsReport Build(
        IReadOnlyCollection<SessionObservation> observations, Func<SessionObservation, string?>? modality, EffectsSettings settings)
    {
        var reasons = new List<string>();
        ModalityReport? moderation = null;
        if (modality is null)
        {
            reasons.Add("modality: the data have no modality column.");
        }
        else
        {
            moderation = Attempt("modality", reasons, () => Moderation(ModalityModeration.Fit(
                observations, modality, ModelCatalog.AllianceToSymptoms, minPairsPerLevel: settings.MinPairsPerModality)));
        }

        var shares = new TherapistSharesReport(
            settings.MinTherapists,
            Attempt("therapist share of alliance", reasons, () => Share(TherapistShare.Estimate(observations, ShareMeasure.Alliance, settings.MinTherapists))),
            Attempt("therapist share of symptoms", reasons, () => Share(TherapistShare.Estimate(observations, ShareMeasure.Symptoms, settings.MinTherapists))));
        return new EffectsReport(moderation, shares, reasons);
    }

    public static ModalityReport Moderation(ModalityModerationResult result) => new(
        ModelCatalog.AllianceToSymptoms.Name,
        result.Reference,
        MethodName(result.Fit.Method),
        result.Fit.ObservationCount,
        result.Fit.GroupCount,
        result.Fit.Converged,
        result.Fit.Singular,
        result.MinPairsPerLevel,
        result.Effects.Select(e => new ModalityLevelReport(e.Modality, e.IsReference, e.Pairs, e.Estimate, e.StdError, e.CiLow, e.CiHigh, IntervalKind.Wald)).ToList(),
        result.Suppressed.Select(s => new SuppressedModalityReport(s.Modality, s.Pairs, SuppressionReason(s))).ToList(),
        result.Contrasts.Select(c => new ModalityContrastReport(
            c.Level, c.Versus, c.Estimate, c.StdError, c.Z, c.PValue, c.AdjustedPValue, c.CiLow, c.CiHigh, IntervalKind.Wald, MultiplicityAdjustment.Bonferroni)).ToList(),
        result.OverallTest is { } t
            ? new LikelihoodRatioReport(t.Df, t.ChiSquareStatistic, t.PValue, Check(t.Full), Check(t.Reduced))
            : null);

    public static string SuppressionReason(SuppressedModality s) =>
        $"{s.Pairs} complete lag pairs, fewer than the minimum of {s.MinPairs}: left out of every fit, contrast and test.";

    public static TherapistShareReport Share(TherapistShareEstimate e) => new(
        e.Formula,
        "ML",
        e.Summary.Therapists,
        e.Summary.Patients,
        e.Summary.Ratings,
        e.Summary.TherapistVariance,
        e.Summary.PatientVariance,
        e.Summary.WithinVariance,
        e.Summary.TherapistShare,
        e.ShareInterval.Low,
        e.ShareInterval.High,
        e.TherapistSdInterval.Low,
        e.TherapistSdInterval.High,
        IntervalKind.Profile,
        e.Converged,
        e.Summary.Singular);

    private static FitCheckReport Check(FitCheck check) => new(MethodName(check.Method), check.LogLikelihood, check.Converged, check.Singular);

    private static string MethodName(FitMethod method) => method == FitMethod.Reml ? "REML" : "ML";

    private static T? Attempt<T>(string part, List<string> reasons, Func<T> fit)
        where T : class
    {
        try
        {
            return fit();
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
        {
            reasons.Add($"{part}: {e.Message}");
            return null;
        }
    }
}
