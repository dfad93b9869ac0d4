using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>Variance split of alliance from <c>alliance ~ 1 + (1 | patient_id)</c>.</summary>
/// <param name="Icc">Between variance / (between + within): the share of alliance variance that is stable between patients.</param>
/// <param name="BetweenVariance">Variance of the patients' true mean alliance.</param>
/// <param name="WithinVariance">Residual, session-to-session variance within a patient.</param>
/// <param name="WithinSd">Square root of <paramref name="WithinVariance"/>: the yardstick for rupture detection.</param>
public sealed record NullModelSummary(double Icc, double BetweenVariance, double WithinVariance, double WithinSd);

/// <summary>
/// A patient's observed mean alliance and its empirical Bayes (BLUP) counterpart, which is pulled
/// towards the grand mean the more, the fewer sessions the patient has.
/// </summary>
public sealed record ShrunkenPersonMean(string PatientId, int Sessions, double ObservedMean, double ShrunkenMean);

public sealed record NullModelResult(NullModelSummary Summary, IReadOnlyList<ShrunkenPersonMean> PersonMeans, MixedModelFit Fit);

public static class NullModel
{
    public const string Formula = "alliance ~ 1 + (1 | patient_id)";

    /// <summary>The model frame of the null model: every session with an alliance rating.</summary>
    /// <exception cref="InsufficientDataException">Fewer than 3 patients or too few ratings.</exception>
    public static MixedModelSpec BuildSpec(IReadOnlyCollection<SessionObservation> observations)
    {
        var rated = observations.Where(o => o.Alliance.HasValue).ToArray();
        var patientCount = rated.Select(o => o.PatientId).Distinct(StringComparer.Ordinal).Count();
        if (patientCount < 3 || rated.Length <= patientCount)
        {
            throw new InsufficientDataException(
                $"The null model needs repeated alliance ratings from at least 3 patients; found {rated.Length} ratings from {patientCount}.");
        }

        var ones = Enumerable.Repeat(1.0, rated.Length).ToArray();
        return MixedModelSpec.Adopt(
            "alliance",
            rated.Select(o => o.Alliance!.Value).ToArray(),
            [(LaggedModelDefinition.Intercept, ones)],
            [new RandomEffectTermData(LaggedModelDefinition.GroupName, rated.Select(o => o.PatientId).ToArray(), [(LaggedModelDefinition.Intercept, ones)])],
            copy: false);
    }

    /// <exception cref="InsufficientDataException">Fewer than 3 patients or too few ratings.</exception>
    public static NullModelResult Fit(IReadOnlyCollection<SessionObservation> observations, FitMethod method = FitMethod.Reml)
    {
        var spec = BuildSpec(observations);
        var fit = MixedModelFitter.Fit(spec, method);

        var between = fit.VarianceComponents[0].Variance;
        var within = fit.ResidualVariance;
        var summary = new NullModelSummary(between / (between + within), between, within, Math.Sqrt(within));

        var intercept = fit.FixedEffects[0].Estimate;
        var observed = observations.Where(o => o.Alliance.HasValue).GroupBy(o => o.PatientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Mean: g.Average(o => o.Alliance!.Value), Count: g.Count()), StringComparer.Ordinal);
        var personMeans = fit.RandomEffects
            .Select(r => new ShrunkenPersonMean(r.Group, observed[r.Group].Count, observed[r.Group].Mean, intercept + r.Effects[0]))
            .ToArray();
        return new NullModelResult(summary, personMeans, fit);
    }
}
