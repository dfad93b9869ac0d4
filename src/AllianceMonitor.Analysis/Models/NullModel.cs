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

public static partial class NullModel
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

        return BuildSpec(rated.Select(o => o.Alliance!.Value).ToArray(), rated.Select(o => o.PatientId).ToArray());
    }

    /// <summary>The same frame from one rating and its patient per row (the arrays become the spec's own).</summary>
    internal static MixedModelSpec BuildSpec(double[] ratings, string[] patients)
    {
        var ones = Enumerable.Repeat(1.0, ratings.Length).ToArray();
        return MixedModelSpec.Adopt(
            "alliance",
            ratings,
            [(LaggedModelDefinition.Intercept, ones)],
            [new RandomEffectTermData(LaggedModelDefinition.GroupName, patients, [(LaggedModelDefinition.Intercept, ones)])],
            copy: false);
    }

    /// <exception cref="InsufficientDataException">Fewer than 3 patients or too few ratings.</exception>
    public static NullModelResult Fit(IReadOnlyCollection<SessionObservation> observations, FitMethod method = FitMethod.Reml)
    {
        var fit = MixedModelFitter.Fit(BuildSpec(observations), method);
        var observed = observations.Where(o => o.Alliance.HasValue).GroupBy(o => o.PatientId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Mean: g.Average(o => o.Alliance!.Value), Count: g.Count()), StringComparer.Ordinal);
        return Result(fit, observed);
    }

    /// <summary>
    /// As <see cref="Fit(IReadOnlyCollection{SessionObservation}, FitMethod)"/> from one rating and its patient per row,
    /// each patient's rows together: the same frame in the same order, without an object per rating.
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer than 3 patients or too few ratings.</exception>
    public static NullModelResult Fit(double[] ratings, string[] patients, FitMethod method = FitMethod.Reml)
    {
        var patientCount = patients.Distinct(StringComparer.Ordinal).Count();
        if (patientCount < 3 || ratings.Length <= patientCount)
        {
            throw new InsufficientDataException(
                $"The null model needs repeated alliance ratings from at least 3 patients; found {ratings.Length} ratings from {patientCount}.");
        }

        var observed = new Dictionary<string, (double Mean, int Count)>(StringComparer.Ordinal);
        for (var start = 0; start < ratings.Length;)
        {
            var end = start;
            double sum = 0;
            while (end < ratings.Length && string.Equals(patients[end], patients[start], StringComparison.Ordinal))
            {
                sum += ratings[end++];
            }

            observed[patients[start]] = (sum / (end - start), end - start);
            start = end;
        }

        return Result(MixedModelFitter.Fit(BuildSpec(ratings, patients), method), observed);
    }

    private static NullModelResult Result(MixedModelFit fit, Dictionary<string, (double Mean, int Count)> observed)
    {
        var between = fit.VarianceComponents[0].Variance;
        var within = fit.ResidualVariance;
        var summary = new NullModelSummary(between / (between + within), between, within, Math.Sqrt(within));

        var intercept = fit.FixedEffects[0].Estimate;
        var personMeans = fit.RandomEffects
            .Select(r => new ShrunkenPersonMean(r.Group, observed[r.Group].Count, observed[r.Group].Mean, intercept + r.Effects[0]))
            .ToArray();
        return new NullModelResult(summary, personMeans, fit);
    }
}
