using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Calibrations;

/// <summary>
/// One version of a clinic's calibration for one alliance series: the detector's <see cref="Calibration"/> as stored,
/// served flat. <c>isDefault</c> is true while the clinic has fewer than 30 patients with 3 rated sessions (the
/// documented defaults stand in); <c>symptomEffectPerPoint</c> is alliance_to_symptoms: the change in next-session
/// symptoms per alliance point above the patient's own mean.
/// </summary>
public sealed record CalibrationResponse : Calibration
{
    public CalibrationResponse(CalibrationRecord stored)
        : base(stored) =>
        (Rater, SymptomInstrument, Trigger, FittedAt, DefaultReason) = (stored.Rater, stored.SymptomInstrument, stored.Trigger, stored.FittedAt, stored.DefaultReason);

    [JsonConstructor]
    private CalibrationResponse()
        : base(string.Empty, 0, false, 0, 0, 0, 0, 0, 0)
    {
    }

    // After the calibration's own members (System.Text.Json would write a derived type's members first).
    [JsonPropertyOrder(1)]
    public Rater Rater { get; init; }

    [JsonPropertyOrder(1)]
    public string? SymptomInstrument { get; init; }

    [JsonPropertyOrder(1)]
    public CalibrationTrigger Trigger { get; init; }

    [JsonPropertyOrder(1)]
    public DateTimeOffset FittedAt { get; init; }

    /// <summary>Why the documented defaults stand in (too few patients, or data no model can be fitted to); null when fitted.</summary>
    public string? DefaultReason { get; init; }
}
