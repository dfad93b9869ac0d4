using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Inference;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The modality moderation and the therapist shares, as <c>analyze</c> and <c>GET /analysis/summary</c> print them
/// (the <c>effects</c> member). A part is null when the data do not allow it, and <c>reasons</c> says why.
/// </summary>
public sealed record EffectsReport(
    [property: JsonPropertyName("modality")] ModalityReport? Modality,
    [property: JsonPropertyName("therapist_shares")] TherapistSharesReport TherapistShares,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons);

/// <summary>Levels below <c>min_pairs_per_modality</c> are in <c>suppressed</c> and in no fit.</summary>
public sealed record ModalityReport(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("n_observations")] int ObservationCount,
    [property: JsonPropertyName("n_patients")] int PatientCount,
    [property: JsonPropertyName("converged")] bool Converged,
    [property: JsonPropertyName("singular")] bool Singular,
    [property: JsonPropertyName("min_pairs_per_modality")] int MinPairsPerModality,
    [property: JsonPropertyName("levels")] IReadOnlyList<ModalityLevelReport> Levels,
    [property: JsonPropertyName("suppressed")] IReadOnlyList<SuppressedModalityReport> Suppressed,
    [property: JsonPropertyName("contrasts")] IReadOnlyList<ModalityContrastReport> Contrasts,
    [property: JsonPropertyName("overall_test")] LikelihoodRatioReport? OverallTest);

/// <summary>One level's within-patient slope with its unadjusted 95% Wald interval.</summary>
public sealed record ModalityLevelReport(
    [property: JsonPropertyName("modality")] string Modality,
    [property: JsonPropertyName("reference")] bool Reference,
    [property: JsonPropertyName("pairs")] int Pairs,
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("std_error")] double StdError,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("interval")] IntervalKind Interval);

public sealed record SuppressedModalityReport(
    [property: JsonPropertyName("modality")] string Modality,
    [property: JsonPropertyName("pairs")] int Pairs,
    [property: JsonPropertyName("reason")] string Reason);

/// <summary>Slope of <c>modality</c> minus slope of <c>versus</c>; <c>ci_*</c> is the adjusted (simultaneous) 95% Wald interval.</summary>
public sealed record ModalityContrastReport(
    [property: JsonPropertyName("modality")] string Modality,
    [property: JsonPropertyName("versus")] string Versus,
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("std_error")] double StdError,
    [property: JsonPropertyName("z")] double Z,
    [property: JsonPropertyName("p_value")] double PValue,
    [property: JsonPropertyName("adjusted_p_value")] double AdjustedPValue,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("interval")] IntervalKind Interval,
    [property: JsonPropertyName("adjustment")] MultiplicityAdjustment Adjustment);

/// <summary>The likelihood-ratio test of the moderation: ML refits with and without the modality-specific slopes.</summary>
public sealed record LikelihoodRatioReport(
    [property: JsonPropertyName("df")] int Df,
    [property: JsonPropertyName("chi_square")] double ChiSquare,
    [property: JsonPropertyName("p_value")] double PValue,
    [property: JsonPropertyName("full")] FitCheckReport Full,
    [property: JsonPropertyName("reduced")] FitCheckReport Reduced);

public sealed record FitCheckReport(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("log_likelihood")] double LogLikelihood,
    [property: JsonPropertyName("converged")] bool Converged,
    [property: JsonPropertyName("singular")] bool Singular);

/// <summary>Each share is null (with a reason) below <c>min_therapists</c> therapists.</summary>
public sealed record TherapistSharesReport(
    [property: JsonPropertyName("min_therapists")] int MinTherapists,
    [property: JsonPropertyName("alliance")] TherapistShareReport? Alliance,
    [property: JsonPropertyName("symptoms")] TherapistShareReport? Symptoms);

/// <summary>An ML fit; <c>ci_*</c> bound the share, <c>therapist_sd_ci_*</c> the therapist SD, both 95% profile-likelihood intervals.</summary>
public sealed record TherapistShareReport(
    [property: JsonPropertyName("formula")] string Formula,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("n_therapists")] int TherapistCount,
    [property: JsonPropertyName("n_patients")] int PatientCount,
    [property: JsonPropertyName("n_observations")] int ObservationCount,
    [property: JsonPropertyName("therapist_variance")] double TherapistVariance,
    [property: JsonPropertyName("patient_variance")] double PatientVariance,
    [property: JsonPropertyName("within_variance")] double WithinVariance,
    [property: JsonPropertyName("share")] double Share,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("therapist_sd_ci_low")] double TherapistSdCiLow,
    [property: JsonPropertyName("therapist_sd_ci_high")] double TherapistSdCiHigh,
    [property: JsonPropertyName("interval")] IntervalKind Interval,
    [property: JsonPropertyName("converged")] bool Converged,
    [property: JsonPropertyName("singular")] bool Singular);
