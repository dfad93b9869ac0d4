namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// Clinic-size work (a refit, a first summary) churns hundreds of megabytes to gigabytes of short-lived arrays that the
/// server GC keeps committed afterwards, so the process's peak climbs from one such job to the next (bench/README.md).
/// One compacting collection, once the job's data are unreachable, hands that memory back: a pause of tens of
/// milliseconds after seconds or minutes of work. Small jobs do not need it.
/// </summary>
public static class ChurnedMemory
{
    /// <summary>Jobs over at least this many rows (ratings or sessions) hand back what they churned.</summary>
    public const int ReturnAfterRows = 200_000;

    public static void ReturnAfter(int rows)
    {
        if (rows >= ReturnAfterRows)
        {
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }
}
