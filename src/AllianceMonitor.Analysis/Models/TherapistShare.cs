using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>Alliance variance split three ways by <c>alliance ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)</c>.</summary>
/// <param name="TherapistShare">Therapist variance / (therapist + patient + within): the share of alliance variance between therapists.</param>
public sealed record TherapistShareSummary(
    int Therapists, int Patients, int Ratings, double TherapistVariance, double PatientVariance, double WithinVariance, double TherapistShare,
    bool Singular);

public static class TherapistShare
{
    public const string Formula = "alliance ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)";

    /// <summary>Sessions without a therapist are left out; a patient seen by two therapists counts as two groups, as in lme4.</summary>
    /// <exception cref="InsufficientDataException">Fewer than 3 therapists, or no repeated ratings.</exception>
    public static TherapistShareSummary Fit(IReadOnlyCollection<SessionObservation> observations, FitMethod method = FitMethod.Reml)
    {
        var rated = observations.Where(o => o.Alliance.HasValue && o.TherapistId is not null).ToArray();
        var therapists = rated.Select(o => o.TherapistId!).Distinct(StringComparer.Ordinal).Count();
        var groups = rated.Select(o => $"{o.TherapistId}:{o.PatientId}").ToArray();
        var patientGroups = groups.Distinct(StringComparer.Ordinal).Count();
        if (therapists < 3 || rated.Length <= patientGroups)
        {
            throw new InsufficientDataException(
                $"The therapist level needs repeated alliance ratings from at least 3 therapists; found {rated.Length} ratings, {patientGroups} patients, {therapists} therapists.");
        }

        var ones = Enumerable.Repeat(1.0, rated.Length).ToArray();
        var spec = MixedModelSpec.Adopt(
            "alliance",
            rated.Select(o => o.Alliance!.Value).ToArray(),
            [(LaggedModelDefinition.Intercept, ones)],
            [
                new RandomEffectTermData(LaggedModelDefinition.TherapistPatientGroupName, groups, [(LaggedModelDefinition.Intercept, ones)]),
                new RandomEffectTermData(LaggedModelDefinition.TherapistGroupName, rated.Select(o => o.TherapistId!).ToArray(), [(LaggedModelDefinition.Intercept, ones)]),
            ],
            copy: false);
        var fit = MixedModelFitter.Fit(spec, method);
        var therapist = fit.Variance(LaggedModelDefinition.TherapistGroupName, LaggedModelDefinition.Intercept).Variance;
        var patient = fit.Variance(LaggedModelDefinition.TherapistPatientGroupName, LaggedModelDefinition.Intercept).Variance;
        var within = fit.ResidualVariance;
        return new TherapistShareSummary(
            therapists, patientGroups, rated.Length, therapist, patient, within, therapist / (therapist + patient + within), fit.Singular);
    }
}
