using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// Where the detection of one series (patient x instrument x rater) stood after its last session: the rupture
/// detector's <c>DetectorState</c> for an alliance measure, the deterioration rule's <c>DeteriorationState</c> for an
/// outcome measure. A session PUT after the last one judges from it instead of replaying the series; a correction of
/// an earlier session, a new calibration, other settings or another rule version replay from the start and store it
/// anew. Written in the PUT's own save; erased with the patient (cascade).
/// </summary>
public sealed class SeriesDetectorState
{
    public Guid PatientId { get; init; }
    public required string Instrument { get; init; }
    public Rater Rater { get; init; }

    /// <summary>The last session the state has taken in: rows after it are all a PUT reads of the series.</summary>
    public int LastSession { get; set; }

    /// <summary>How many sessions it has taken in; the read batch's rows are checked against it.</summary>
    public int Sessions { get; set; }

    public int RuleVersion { get; set; }

    /// <summary>The calibration version it was computed under (0: the instrument's defaults, and every outcome measure).</summary>
    public int CalibrationVersion { get; set; }

    /// <summary>The state as JSON text, stored verbatim (json, not jsonb) so every double comes back bit for bit.</summary>
    public required string State { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
