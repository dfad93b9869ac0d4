using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Api.Data;

/// <summary>Where an alert stands in the clinic's workflow; <c>withdrawn</c> means a corrected session no longer supports it.</summary>
public static class AlertStatus
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Open, Acknowledged, Resolved, Withdrawn];
}

/// <summary>
/// One alert about one patient's alliance series (instrument x rater), keyed by the session that raised it so a
/// corrected session updates or withdraws it instead of adding a second one.
/// </summary>
public sealed class Alert
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public Guid PatientId { get; init; }
    public Patient? Patient { get; init; }
    public required string Instrument { get; init; }
    public required string Rater { get; init; }
    public required string Kind { get; init; }
    public int Session { get; init; }

    public string Status { get; set; } = AlertStatus.Open;
    public string? RuptureStatus { get; set; }
    public int? StatusSession { get; set; }
    public int Severity { get; set; }

    public double Observed { get; set; }
    public double Baseline { get; set; }
    public double DropInSds { get; set; }
    public double Threshold { get; set; }
    public required string Rule { get; set; }
    public int RuleVersion { get; set; }
    public int CalibrationVersion { get; set; }
    public bool DefaultCalibration { get; set; }
    public double? ExpectedSymptomChange { get; set; }
    public required string Explanation { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public Guid? AcknowledgedBy { get; set; }
    public string? AcknowledgeNote { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public Guid? ResolvedBy { get; set; }
    public string? ResolveNote { get; set; }
}

/// <summary>
/// One fit of a clinic's calibration for one alliance series (instrument x rater). Rows are never updated: a refit
/// adds the next version, and each alert names the version it was judged against.
/// </summary>
public sealed class CalibrationRecord
{
    public long Id { get; init; }
    public Guid ClinicId { get; init; }
    public required string Instrument { get; init; }
    public required string Rater { get; init; }
    public int Version { get; init; }
    public bool IsDefault { get; init; }

    /// <summary>Why the documented defaults stand in, when they do; null for a fitted calibration.</summary>
    public string? DefaultReason { get; init; }
    public double GrandMean { get; init; }
    public double BetweenVariance { get; init; }
    public double WithinSd { get; init; }
    public double LowAllianceThreshold { get; init; }
    public int Patients { get; init; }
    public int Ratings { get; init; }
    public double? SymptomEffectPerPoint { get; init; }
    public string? SymptomInstrument { get; init; }
    public required string Trigger { get; init; }
    public DateTimeOffset FittedAt { get; init; }
}

/// <summary>A clinic's detector thresholds. A clinic without a row uses <see cref="DetectorSettings.Default"/>.</summary>
public sealed class ClinicSettings
{
    public Guid ClinicId { get; init; }
    public required DetectorSettings Detector { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid? UpdatedBy { get; set; }
}
