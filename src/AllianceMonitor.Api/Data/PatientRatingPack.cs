namespace AllianceMonitor.Api.Data;

/// <summary>
/// Every rating in force of one patient, packed into one value by database triggers (migration PatientRatingPacks),
/// so a clinic's refit reads one row per patient instead of one per rating (issue 15). Decoded by
/// <see cref="Series.RatingPack"/>; never written by the service.
/// </summary>
/// <remarks>
/// Triggers rather than writes in the service, as for the change counters: whichever path stores, corrects or
/// withdraws a rating (a session PUT, a form, a bulk import's COPY, a cascade from an erasure), the pack follows in the
/// same transaction. Erased with the patient (cascade).
/// </remarks>
public sealed class PatientRatingPack
{
    public Guid PatientId { get; init; }

    /// <summary>Entries in session order; the layout is <see cref="Series.RatingPack"/>'s.</summary>
    public required byte[] Ratings { get; init; }

    /// <summary>
    /// The highest session number packed (0 for none): a statement that adds ratings of that session or later ones only
    /// appends them, so a PUT's repack does not grow with the patient's history.
    /// </summary>
    public int LastSession { get; init; }
}
