namespace AllianceMonitor.Api.Data;

/// <summary>
/// One stripe of a clinic's change counter: the number of committed writes that changed what analysis and calibration
/// see (a session created or changed, a patient erased). Database triggers keep it (migration ClinicChangeCounters);
/// the clinic's count is the sum of its stripes. The summary's data version and the automatic refit's due-check read
/// it instead of counting the clinic's sessions.
/// </summary>
/// <remarks>
/// Striped by database connection (<see cref="Slots"/> rows per clinic at most), so that concurrent transactions seldom
/// wait for each other's row lock; writes to one patient already queue behind the patient lock.
/// </remarks>
public sealed class ClinicChangeCounter
{
    /// <summary>Stripes per clinic; the trigger picks one from the connection's backend pid.</summary>
    public const int Slots = 64;

    public Guid ClinicId { get; init; }
    public int Slot { get; init; }
    public long Changes { get; set; }
}

/// <summary>The clinic's change count when its last refit read the data: changes since then make a refit due.</summary>
public sealed class ClinicRefitMark
{
    public Guid ClinicId { get; init; }
    public long ChangesAtRefit { get; set; }
}
