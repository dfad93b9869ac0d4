using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Cli;

/// <summary>
/// The command line's checks for <c>analyze --therapist-level</c>; the fits themselves are the library's
/// (<see cref="NestedLaggedModels"/>, <see cref="TherapistLevelReportBuilder"/>), shared with the summary.
/// </summary>
public static class TherapistLevelModels
{
    /// <summary>
    /// A therapist variance is estimated from one random intercept per therapist: with one or two there is nothing
    /// to separate it from the fixed intercept, the same floor the therapist shares use.
    /// </summary>
    public const int MinTherapists = 3;

    /// <exception cref="InputException">The data name no therapist, or fewer than <see cref="MinTherapists"/>.</exception>
    public static void RequireTherapists(IReadOnlyCollection<SessionObservation> observations, string path)
    {
        var therapists = NestedLaggedModels.CountTherapists(observations);
        if (therapists == 0)
        {
            throw new InputException($"{path}: --therapist-level needs the therapist_id column filled in; every row leaves it empty.");
        }

        if (therapists < MinTherapists)
        {
            throw new InputException($"{path}: --therapist-level needs at least {MinTherapists} therapists; the data name {therapists}.");
        }
    }
}
