using AllianceMonitor.Analysis.Inference;

namespace AllianceMonitor.Api.Export;

/// <summary>The <c>Analysis</c> configuration section: the minimums below which <c>/analysis</c> leaves an effect out.</summary>
public sealed class AnalysisOptions
{
    public const string Section = "Analysis";

    /// <summary>A modality with fewer complete lag pairs is left out of every fit, contrast and test (see ModalityModeration.DefaultMinPairsPerLevel).</summary>
    public int MinPairsPerModality { get; set; } = Analysis.Models.ModalityModeration.DefaultMinPairsPerLevel;

    /// <summary>No therapist share is reported from fewer therapists (see TherapistShare.DefaultMinTherapists).</summary>
    public int MinTherapists { get; set; } = Analysis.Models.TherapistShare.DefaultMinTherapists;
}

/// <summary>The answer of <c>GET /analysis/effects</c>; a part is null when the data do not allow it, and <c>Reasons</c> says why.</summary>
public sealed record EffectsResponse(ModalityModerationResponse? Modality, TherapistSharesResponse Therapists, IReadOnlyList<string> Reasons);

/// <param name="Method">The fit the effects and contrasts are read from (REML).</param>
/// <param name="Converged">Whether that fit's optimizer converged.</param>
/// <param name="Singular">Whether that fit is on the boundary (a variance at zero or a correlation at +-1).</param>
/// <param name="MinPairsPerModality">Levels with fewer complete lag pairs are in <c>Suppressed</c> and in no fit.</param>
/// <param name="Effects">The reference level first; each level's within-patient lagged effect of alliance on next-session symptoms.</param>
/// <param name="Contrasts">Every pair of reported levels, Bonferroni-adjusted.</param>
/// <param name="OverallTest">The likelihood-ratio test of the moderation; null with fewer than two reported levels.</param>
public sealed record ModalityModerationResponse(
    string Model, string Reference, int Observations, int Patients, string Method, bool Converged, bool Singular, int MinPairsPerModality,
    IReadOnlyList<ModalityEffectResponse> Effects, IReadOnlyList<SuppressedModalityResponse> Suppressed,
    IReadOnlyList<ModalityContrastResponse> Contrasts, LikelihoodRatioTestResponse? OverallTest);

/// <param name="Interval">wald: the unadjusted 95% Wald interval of this level's slope.</param>
public sealed record ModalityEffectResponse(
    string Modality, bool Reference, int Pairs, double Estimate, double StdError, double CiLow, double CiHigh, IntervalKind Interval);

public sealed record SuppressedModalityResponse(string Modality, int Pairs, string Reason);

/// <summary>Slope of <c>Modality</c> minus slope of <c>Versus</c>.</summary>
/// <param name="PValue">Two-sided Wald p, unadjusted.</param>
/// <param name="AdjustedPValue">Bonferroni: the p times the number of contrasts, at most 1.</param>
/// <param name="CiLow">Lower limit of the Bonferroni-adjusted (simultaneous) 95% Wald interval.</param>
public sealed record ModalityContrastResponse(
    string Modality, string Versus, double Estimate, double StdError, double Z, double PValue, double AdjustedPValue, double CiLow, double CiHigh,
    IntervalKind Interval, MultiplicityAdjustment Adjustment);

/// <summary>ML refits with and without modality-specific slopes: chi-square = 2 (logLik full - logLik reduced) on Df.</summary>
public sealed record LikelihoodRatioTestResponse(int Df, double ChiSquare, double PValue, FitCheckResponse Full, FitCheckResponse Reduced);

public sealed record FitCheckResponse(string Method, double LogLikelihood, bool Converged, bool Singular);

/// <param name="MinTherapists">Below this many therapists a share is null (with a reason).</param>
/// <param name="Alliance">The therapist share of alliance variance.</param>
/// <param name="Symptoms">The therapist share of symptom (outcome) variance.</param>
public sealed record TherapistSharesResponse(int MinTherapists, TherapistShareResponse? Alliance, TherapistShareResponse? Symptoms);

/// <summary>An ML fit of the formula; both intervals are 95% profile-likelihood intervals.</summary>
/// <param name="TherapistShare">Therapist variance / (therapist + patient + within).</param>
/// <param name="CiLow">Lower limit of the share's interval.</param>
/// <param name="TherapistSdCiLow">Lower limit of the therapist SD's interval (as lme4's confint(method = "profile")).</param>
public sealed record TherapistShareResponse(
    string Formula, string Method, int Therapists, int Patients, int Ratings, double TherapistVariance, double PatientVariance, double WithinVariance,
    double TherapistShare, double CiLow, double CiHigh, double TherapistSdCiLow, double TherapistSdCiHigh, IntervalKind Interval, bool Converged, bool Singular);
