using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Agreement;

/// <summary>The client's and the therapist's rating of the same session on the same alliance measure.</summary>
public sealed record PairedRating(int Session, double Client, double Therapist);

/// <summary>
/// One session's disagreement: therapist minus client, so a negative value means the therapist rated the alliance
/// lower than the client did (the usual direction; Tryon, Blackwell &amp; Hammel 2007).
/// </summary>
/// <param name="Points">Therapist minus client, in the instrument's points.</param>
/// <param name="WithinSds">
/// <see cref="Points"/> in the clinic's within-patient SDs of the client's ratings (the calibration's within SD), so a
/// discrepancy reads against how much one patient's ratings usually move; null when that SD is not positive.
/// </param>
public sealed record SessionDiscrepancy(int Session, double Client, double Therapist, double Points, double? WithinSds);

public static class Discrepancy
{
    /// <summary>Sessions rated by both, in session order; a session rated by one side only is not a pair.</summary>
    public static IReadOnlyList<PairedRating> Pair(IEnumerable<RatedSession> client, IEnumerable<RatedSession> therapist)
    {
        var byTherapist = therapist.ToDictionary(t => t.Session, t => t.Value);
        return client.Where(c => byTherapist.ContainsKey(c.Session))
            .OrderBy(c => c.Session)
            .Select(c => new PairedRating(c.Session, c.Value, byTherapist[c.Session]))
            .ToList();
    }

    public static SessionDiscrepancy Of(PairedRating pair, double withinSd)
    {
        var points = pair.Therapist - pair.Client;
        return new SessionDiscrepancy(pair.Session, pair.Client, pair.Therapist, points, InSds(points, withinSd));
    }

    /// <summary>A value in points divided by the within-patient SD; null when the SD is zero, negative or not a number.</summary>
    public static double? InSds(double points, double withinSd) => withinSd > 0 ? points / withinSd : null;
}
