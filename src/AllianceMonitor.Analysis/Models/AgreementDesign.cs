using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

public static class AgreementDesign
{
    /// <summary>
    /// Builds the frame of <see cref="AgreementModel"/>. Per patient, the common centre is the mean of
    /// (client + therapist) / 2 over the sessions where both rated (all of them, before lagging); <c>alliance_between</c> is
    /// that centre minus the mean of the centres. Symptoms are split as in <see cref="LaggedDesign"/>. A pair (t, t + 1) is kept
    /// when session t has both ratings and symptoms and session t + 1 has symptoms.
    /// </summary>
    /// <param name="minPairs">Fewest complete pairs accepted; never fewer than the model needs to be estimable.</param>
    /// <exception cref="InsufficientDataException">Too few complete pairs or patients.</exception>
    public static MixedModelSpec Build(IReadOnlyCollection<SessionObservation> observations, int minPairs = 0)
    {
        var centre = PersonMeanDecomposition.Of(observations, CommonRating);
        var symptoms = PersonMeanDecomposition.Of(observations, r => r.Symptoms);
        var rows = new List<(double Y, double X, double T, double Between, double SymptomsWithin, int Session, string Patient)>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var now = pair.Current;
            if (pair.Next.Symptoms is double y
                && now.Alliance is double client
                && now.TherapistAlliance is double therapist
                && centre.PersonMeans.TryGetValue(now.PatientId, out var mean)
                && symptoms.Within(now.PatientId, now.Symptoms) is double symptomsWithin)
            {
                rows.Add((y, client - mean, therapist - mean, mean - centre.GrandMean, symptomsWithin, now.Session, now.PatientId));
            }
        }

        var patients = rows.Select(r => r.Patient).Distinct(StringComparer.Ordinal).Count();
        var needed = Math.Max(minPairs, AgreementModel.FixedTerms.Count + 2);
        if (rows.Count < needed || patients < 3)
        {
            throw new InsufficientDataException(
                $"{rows.Count} complete lag pairs have both a client and a therapist rating at session t, from {patients} patients; "
                + $"the {AgreementModel.Name} model needs at least {needed} such pairs from at least 3 patients.");
        }

        var ones = Enumerable.Repeat(1.0, rows.Count).ToArray();
        return MixedModelSpec.Adopt(
            AgreementModel.Response,
            rows.Select(r => r.Y).ToArray(),
            [
                (LaggedModelDefinition.Intercept, ones),
                (AgreementModel.Client, rows.Select(r => r.X).ToArray()),
                (AgreementModel.Therapist, rows.Select(r => r.T).ToArray()),
                (AgreementModel.ClientSquared, rows.Select(r => r.X * r.X).ToArray()),
                (AgreementModel.Product, rows.Select(r => r.X * r.T).ToArray()),
                (AgreementModel.TherapistSquared, rows.Select(r => r.T * r.T).ToArray()),
                (AgreementModel.Between, rows.Select(r => r.Between).ToArray()),
                (AgreementModel.SymptomsWithin, rows.Select(r => r.SymptomsWithin).ToArray()),
                (AgreementModel.Session, rows.Select(r => (double)r.Session).ToArray()),
            ],
            [new RandomEffectTermData(LaggedModelDefinition.GroupName, rows.Select(r => r.Patient).ToArray(), [(LaggedModelDefinition.Intercept, ones)])],
            copy: false);
    }

    /// <summary>Sessions at which both raters rated the alliance, the count the summary's minimum is explained by.</summary>
    public static int SessionsWithBothRatings(IEnumerable<SessionObservation> observations) =>
        observations.Count(o => o.Alliance is not null && o.TherapistAlliance is not null);

    /// <summary>The session's rating on the common scale: the mean of both raters, or null unless both rated.</summary>
    private static double? CommonRating(SessionObservation row) =>
        row.Alliance is double client && row.TherapistAlliance is double therapist ? (client + therapist) / 2 : null;
}
