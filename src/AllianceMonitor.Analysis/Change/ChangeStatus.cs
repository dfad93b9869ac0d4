using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Change;

/// <summary>
/// Where a patient stands on one outcome measure against their first rated session (Jacobson &amp; Truax 1991). Stored
/// and served as <c>recovered</c>, <c>reliably_improved</c>, <c>no_reliable_change</c>, <c>reliably_deteriorated</c>.
/// </summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<ChangeStatus>))]
public enum ChangeStatus
{
    /// <summary>Reliably improved and moved from the clinical to the non-clinical side of the cut-off.</summary>
    Recovered,

    /// <summary>Improved by at least the reliable change, without (or without the need of) crossing the cut-off.</summary>
    ReliablyImproved,

    /// <summary>Changed by less than the reliable change, either way.</summary>
    NoReliableChange,

    /// <summary>Worsened by at least the reliable change.</summary>
    ReliablyDeteriorated,
}

/// <summary>One patient's change on one outcome measure, from the first rated session to a later one.</summary>
/// <param name="Change">Current minus first, on the instrument's total (signed: for the PHQ-9 a rise is a worsening).</param>
/// <param name="Improvement">The change in the better direction: positive is better, whatever the scale's direction.</param>
/// <param name="FirstClinical">Whether the first score was in the clinical range; null without a cut-off.</param>
/// <param name="NowClinical">Whether the current score is in the clinical range; null without a cut-off.</param>
public sealed record ChangeAssessment(
    InstrumentDefinition Instrument,
    int FirstSession,
    double FirstScore,
    int Session,
    double Score,
    double Change,
    double Improvement,
    double ReliableChange,
    bool? FirstClinical,
    bool? NowClinical,
    ChangeStatus Status);
