using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// One therapist's shrunken alliance level: the clinic mean plus the therapist's BLUP from
/// <c>alliance ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)</c>, with a 95% conditional interval.
/// </summary>
/// <param name="ConditionalSd">SD of the therapist effect given the data at the estimated variances (lme4's <c>condVar</c>).</param>
/// <param name="ObservedMean">Mean of the therapist's patients' mean alliance, each patient once: what is shrunk.</param>
public sealed record TherapistAllianceLevel(
    string TherapistId, int Patients, int Ratings, double ObservedMean, double Level, double ConditionalSd, double CiLow, double CiHigh);

/// <summary>The fitted nested null model (REML) and every therapist's shrunken level.</summary>
public sealed record TherapistAllianceLevelsResult(
    double ClinicMean, double TherapistVariance, double PatientVariance, double WithinVariance, bool Singular, bool Converged,
    IReadOnlyList<TherapistAllianceLevel> Therapists);

public static class TherapistAllianceLevels
{
    private const double Z975 = 1.959963984540054;

    /// <summary>
    /// For therapist j with patients i (n_i ratings, mean ȳ_i), integrating out the patient effects, ȳ_i − μ is
    /// u_j plus noise of variance w_i = σ²_patient + σ²/n_i; given the data, u_j is normal with precision
    /// 1/σ²_therapist + Σ 1/w_i and mean Σ (ȳ_i − μ)/w_i over that precision. That mean is the engine's conditional mode
    /// and the variance lme4's <c>ranef(condVar = TRUE)</c>: both hold the variances and μ at their estimates, so the
    /// interval is narrower than one that also carried their uncertainty.
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer than <paramref name="minTherapists"/> therapists (at least 3), or no repeated ratings.</exception>
    public static TherapistAllianceLevelsResult Fit(IReadOnlyCollection<SessionObservation> observations, int minTherapists)
    {
        var spec = TherapistShare.BuildSpec(observations, ShareMeasure.Alliance, Math.Max(3, minTherapists));
        var fit = MixedModelFitter.Fit(spec, FitMethod.Reml);
        var mu = fit.FixedEffects[0].Estimate;
        var therapistVariance = fit.Variance(LaggedModelDefinition.TherapistGroupName, LaggedModelDefinition.Intercept).Variance;
        var patientVariance = fit.Variance(LaggedModelDefinition.TherapistPatientGroupName, LaggedModelDefinition.Intercept).Variance;
        var within = fit.ResidualVariance;
        var levels = observations
            .Where(o => o.Alliance.HasValue && o.TherapistId is not null)
            .GroupBy(o => o.TherapistId!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var patients = g.GroupBy(o => o.PatientId, StringComparer.Ordinal).Select(p => (N: p.Count(), Mean: p.Average(o => o.Alliance!.Value))).ToList();
                double precision = 0, weighted = 0;
                foreach (var (n, mean) in patients)
                {
                    var w = patientVariance + (within / n);
                    precision += 1 / w;
                    weighted += (mean - mu) / w;
                }

                // A therapist variance at zero (a singular fit) shrinks every therapist onto the clinic mean with no spread.
                var (effect, variance) = therapistVariance > 0
                    ? (weighted / (precision + (1 / therapistVariance)), 1 / (precision + (1 / therapistVariance)))
                    : (0.0, 0.0);
                var sd = Math.Sqrt(variance);
                return new TherapistAllianceLevel(
                    g.Key, patients.Count, g.Count(), patients.Average(p => p.Mean), mu + effect, sd, mu + effect - (Z975 * sd), mu + effect + (Z975 * sd));
            })
            .ToList();
        return new TherapistAllianceLevelsResult(mu, therapistVariance, patientVariance, within, fit.Singular, fit.Converged, levels);
    }
}
