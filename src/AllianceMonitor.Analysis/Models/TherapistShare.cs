using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>Alliance variance split three ways by <c>alliance ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)</c>.</summary>
/// <param name="TherapistShare">Therapist variance / (therapist + patient + within): the share of alliance variance between therapists.</param>
public sealed record TherapistShareSummary(
    int Therapists, int Patients, int Ratings, double TherapistVariance, double PatientVariance, double WithinVariance, double TherapistShare,
    bool Singular);

/// <summary>Which ratings a therapist share is of.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(SnakeCaseEnumConverter<ShareMeasure>))]
public enum ShareMeasure
{
    Alliance,
    Symptoms,
}

/// <summary>A therapist share fitted by ML with its 95% profile-likelihood interval, and the therapist SD's.</summary>
/// <param name="Summary">The ML fit's variance split.</param>
/// <param name="ShareInterval">95% profile-likelihood interval of <see cref="TherapistShareSummary.TherapistShare"/>.</param>
/// <param name="TherapistSdInterval">95% profile-likelihood interval of the therapist SD (lme4's <c>confint(method = "profile")</c>).</param>
public sealed record TherapistShareEstimate(
    ShareMeasure Measure, string Formula, TherapistShareSummary Summary, ProfileInterval ShareInterval, ProfileInterval TherapistSdInterval,
    bool Converged);

public static class TherapistShare
{
    public const string Formula = "alliance ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)";

    /// <summary>
    /// Shares are not reported from fewer therapists. The therapist variance is estimated from one number per therapist:
    /// with fewer than 10 the ML estimate is often exactly zero (a singular fit) and its profile interval spans most of the
    /// plausible range, so the share would say more about the sample than about the clinic.
    /// </summary>
    public const int DefaultMinTherapists = 10;

    public static string FormulaOf(ShareMeasure measure) =>
        $"{Name(measure)} ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)";

    public static string Name(ShareMeasure measure) => measure == ShareMeasure.Alliance ? "alliance" : "symptoms";

    /// <summary>Sessions without a therapist are left out; a patient seen by two therapists counts as two groups, as in lme4.</summary>
    /// <exception cref="InsufficientDataException">Fewer than 3 therapists, or no repeated ratings.</exception>
    public static TherapistShareSummary Fit(IReadOnlyCollection<SessionObservation> observations, FitMethod method = FitMethod.Reml) =>
        Summarize(observations, ShareMeasure.Alliance, 3, method).Summary;

    /// <summary>The share of <paramref name="measure"/>'s variance between therapists, by ML, with profile-likelihood intervals.</summary>
    /// <exception cref="InsufficientDataException">Fewer than <paramref name="minTherapists"/> therapists (at least 3), or no repeated ratings.</exception>
    public static TherapistShareEstimate Estimate(
        IReadOnlyCollection<SessionObservation> observations, ShareMeasure measure, int minTherapists = DefaultMinTherapists)
    {
        var (summary, spec, fit) = Summarize(observations, measure, Math.Max(3, minTherapists), FitMethod.Ml);
        var profile = new OuterVarianceProfile(spec, fit);
        return new TherapistShareEstimate(measure, FormulaOf(measure), summary, profile.ShareInterval(), profile.OuterSdInterval(), fit.Converged);
    }

    /// <summary>The model frame: every session with a rating of <paramref name="measure"/> and a therapist.</summary>
    /// <exception cref="InsufficientDataException">Fewer than <paramref name="minTherapists"/> therapists, or no repeated ratings.</exception>
    public static MixedModelSpec BuildSpec(IReadOnlyCollection<SessionObservation> observations, ShareMeasure measure, int minTherapists)
    {
        double? Value(SessionObservation o) => measure == ShareMeasure.Alliance ? o.Alliance : o.Symptoms;
        var rated = observations.Where(o => Value(o).HasValue && o.TherapistId is not null).ToArray();
        var therapists = rated.Select(o => o.TherapistId!).Distinct(StringComparer.Ordinal).Count();
        var groups = NestedGroupKeys.Of(rated, o => o.TherapistId!, o => o.PatientId);
        var patientGroups = groups.Distinct(StringComparer.Ordinal).Count();
        if (therapists < minTherapists || rated.Length <= patientGroups)
        {
            throw new InsufficientDataException(
                $"The therapist share of {Name(measure)} variance needs repeated ratings from at least {minTherapists} therapists; "
                + $"found {rated.Length} ratings, {patientGroups} patients, {therapists} therapists.");
        }

        var ones = Enumerable.Repeat(1.0, rated.Length).ToArray();
        return MixedModelSpec.Adopt(
            Name(measure),
            rated.Select(o => Value(o)!.Value).ToArray(),
            [(LaggedModelDefinition.Intercept, ones)],
            [
                new RandomEffectTermData(LaggedModelDefinition.TherapistPatientGroupName, groups, [(LaggedModelDefinition.Intercept, ones)]),
                new RandomEffectTermData(LaggedModelDefinition.TherapistGroupName, rated.Select(o => o.TherapistId!).ToArray(), [(LaggedModelDefinition.Intercept, ones)]),
            ],
            copy: false);
    }

    private static (TherapistShareSummary Summary, MixedModelSpec Spec, MixedModelFit Fit) Summarize(
        IReadOnlyCollection<SessionObservation> observations, ShareMeasure measure, int minTherapists, FitMethod method)
    {
        var spec = BuildSpec(observations, measure, minTherapists);
        var fit = MixedModelFitter.Fit(spec, method);
        var therapist = fit.Variance(LaggedModelDefinition.TherapistGroupName, LaggedModelDefinition.Intercept).Variance;
        var patient = fit.Variance(LaggedModelDefinition.TherapistPatientGroupName, LaggedModelDefinition.Intercept).Variance;
        var within = fit.ResidualVariance;
        var summary = new TherapistShareSummary(
            spec.RandomEffects[1].Levels.Count, spec.RandomEffects[0].Levels.Count, spec.ObservationCount,
            therapist, patient, within, therapist / (therapist + patient + within), fit.Singular);
        return (summary, spec, fit);
    }
}
