namespace AllianceMonitor.Analysis.Agreement;

/// <summary>How one patient's and their therapist's ratings of the same sessions agree.</summary>
/// <param name="Pairs">Sessions rated by both.</param>
/// <param name="MeanDiscrepancy">Mean of therapist minus client over those sessions, in points; null without pairs.</param>
/// <param name="MeanDiscrepancySds">The same in the clinic's within-patient SDs; null without pairs or without a positive SD.</param>
/// <param name="WithinCorrelation">
/// Pearson correlation of the two series over the paired sessions: whether the therapist's rating moves with the
/// client's from session to session, whatever the difference in level. Null below
/// <see cref="PatientAgreementCalculator.MinPairsForCorrelation"/> pairs or when either series does not vary.
/// </param>
/// <param name="CorrelationNote">Why the correlation is null, in plain words; null when it is given.</param>
public sealed record PatientAgreement(int Pairs, double? MeanDiscrepancy, double? MeanDiscrepancySds, double? WithinCorrelation, string? CorrelationNote);

public static class PatientAgreementCalculator
{
    /// <summary>
    /// A correlation is reported from 5 paired sessions on: with fewer its sampling error is about as large as the
    /// correlations rater-agreement studies report (r near .36, Tryon et al. 2007), so it would say nothing.
    /// Fisher's z of a correlation from n pairs has SE 1/sqrt(n - 3); at n = 5 that is 0.71.
    /// </summary>
    public const int MinPairsForCorrelation = 5;

    public static PatientAgreement Compute(IReadOnlyList<PairedRating> pairs, double withinSd)
    {
        if (pairs.Count == 0)
        {
            return new PatientAgreement(0, null, null, null, "no session rated by both client and therapist");
        }

        var mean = pairs.Average(p => p.Therapist - p.Client);
        var (correlation, note) = Correlation(pairs);
        return new PatientAgreement(pairs.Count, mean, Discrepancy.InSds(mean, withinSd), correlation, note);
    }

    /// <summary>Pearson's r of the client and therapist ratings, or why there is none.</summary>
    public static (double? R, string? Note) Correlation(IReadOnlyList<PairedRating> pairs)
    {
        if (pairs.Count < MinPairsForCorrelation)
        {
            return (null, $"fewer than {MinPairsForCorrelation} sessions rated by both");
        }

        var client = pairs.Average(p => p.Client);
        var therapist = pairs.Average(p => p.Therapist);
        double cross = 0, clientSquares = 0, therapistSquares = 0;
        foreach (var p in pairs)
        {
            cross += (p.Client - client) * (p.Therapist - therapist);
            clientSquares += (p.Client - client) * (p.Client - client);
            therapistSquares += (p.Therapist - therapist) * (p.Therapist - therapist);
        }

        // Ratings are on a coarse scale: a series that never moves has no correlation with anything.
        if (clientSquares <= VarianceFloor || therapistSquares <= VarianceFloor)
        {
            return (null, clientSquares <= VarianceFloor ? "the client's rating did not vary" : "the therapist's rating did not vary");
        }

        return (Math.Clamp(cross / Math.Sqrt(clientSquares * therapistSquares), -1.0, 1.0), null);
    }

    /// <summary>Sums of squares at or below this count as zero (identical ratings that rounding left a hair apart).</summary>
    private const double VarianceFloor = 1e-12;
}
