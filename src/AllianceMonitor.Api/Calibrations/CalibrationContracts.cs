namespace AllianceMonitor.Api.Calibrations;

/// <summary>One version of a clinic's calibration for one alliance series.</summary>
/// <param name="IsDefault">True while the clinic has fewer than 30 patients with 3 rated sessions: the documented defaults stand in.</param>
/// <param name="SymptomEffectPerPoint">alliance_to_symptoms: change in next-session symptoms per alliance point above the patient's own mean.</param>
/// <param name="Trigger">auto (after the clinic's refitEvery new sessions) or manual (POST /analysis/refit).</param>
public sealed record CalibrationResponse(
    string Instrument,
    string Rater,
    int Version,
    bool IsDefault,
    double GrandMean,
    double BetweenVariance,
    double WithinSd,
    double LowAllianceThreshold,
    int Patients,
    int Ratings,
    double? SymptomEffectPerPoint,
    string? SymptomInstrument,
    string Trigger,
    DateTimeOffset FittedAt)
{
    /// <summary>Why the documented defaults stand in (too few patients, or data no model can be fitted to); null when fitted.</summary>
    public string? DefaultReason { get; init; }
}
