using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Inference;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The therapist level, as <c>analyze --therapist-level</c> and <c>GET /analysis/summary</c> print it (the
/// <c>therapist_level</c> member): the nested lagged models and the alliance split three ways. Below
/// <c>min_therapists</c> therapists, or when a fit fails, a part is null and <c>reasons</c> says why.
/// </summary>
/// <param name="TherapistCount">Distinct therapists named on sessions with an alliance or symptom rating.</param>
public sealed record TherapistLevelReport(
    [property: JsonPropertyName("min_therapists")] int MinTherapists,
    [property: JsonPropertyName("n_therapists")] int TherapistCount,
    [property: JsonPropertyName("models")] IReadOnlyList<ModelReport>? Models,
    [property: JsonPropertyName("alliance_split")] AllianceSplitReport? AllianceSplit,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons);

/// <summary>
/// Next-session symptoms on the therapist's mean alliance, the patient's mean within the therapist and the session within
/// the patient. <c>therapist_minus_patient</c> tests whether the first two differ; <c>sentence</c> says in plain words what
/// the intervals allow one to conclude.
/// </summary>
public sealed record AllianceSplitReport(
    [property: JsonPropertyName("model")] ModelReport Model,
    [property: JsonPropertyName("therapist_mean")] SplitComponentReport Therapist,
    [property: JsonPropertyName("patient_within_therapist")] SplitComponentReport Patient,
    [property: JsonPropertyName("session_within_patient")] SplitComponentReport Session,
    [property: JsonPropertyName("therapist_minus_patient")] SplitComponentReport TherapistMinusPatient,
    [property: JsonPropertyName("sentence")] string Sentence);

/// <summary>A coefficient (PHQ-9 points per alliance point) with its 95% Wald interval.</summary>
public sealed record SplitComponentReport(
    [property: JsonPropertyName("term")] string Term,
    [property: JsonPropertyName("estimate")] double Estimate,
    [property: JsonPropertyName("std_error")] double StdError,
    [property: JsonPropertyName("ci_low")] double CiLow,
    [property: JsonPropertyName("ci_high")] double CiHigh,
    [property: JsonPropertyName("interval")] IntervalKind Interval)
{
    public static SplitComponentReport Of(SplitComponent c) => new(c.Term, c.Estimate, c.StdError, c.CiLow, c.CiHigh, IntervalKind.Wald);
}
