using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Api.Data;

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
    public Rater Rater { get; init; }
    public AlertKind Kind { get; init; }
    public int Session { get; init; }

    public AlertStatus Status { get; set; } = AlertStatus.Open;
    public RuptureStatus? RuptureStatus { get; set; }
    public int? StatusSession { get; set; }
    public int Severity { get; set; }

    /// <summary>Stored in the alert's own columns and served as it is; replaced whole when a correction changes it.</summary>
    public required AlertEvidence Evidence { get; set; }

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
/// One fit of a clinic's calibration for one alliance series (instrument x rater): the detector's
/// <see cref="Calibration"/> itself, plus whose it is and how it came about. Rows are never updated: a refit adds the
/// next version, and each alert names the version it was judged against.
/// </summary>
public sealed record CalibrationRecord : Calibration
{
    public CalibrationRecord(Calibration fitted)
        : base(fitted)
    {
    }

    // For EF, which sets every column itself.
    private CalibrationRecord()
        : base(string.Empty, 0, false, 0, 0, 0, 0, 0, 0)
    {
    }

    public long Id { get; init; }
    public Guid ClinicId { get; init; }
    public Rater Rater { get; init; }

    /// <summary>Why the documented defaults stand in, when they do; null for a fitted calibration.</summary>
    public string? DefaultReason { get; init; }

    /// <summary>The symptom measure behind <see cref="Calibration.SymptomEffectPerPoint"/>, when it was fitted.</summary>
    public string? SymptomInstrument { get; init; }

    /// <summary><c>auto</c> (after the clinic's refitEvery new sessions) or <c>manual</c> (POST /analysis/refit).</summary>
    public required CalibrationTrigger Trigger { get; init; }
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
