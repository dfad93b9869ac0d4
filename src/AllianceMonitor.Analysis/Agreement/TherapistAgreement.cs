using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Agreement;

/// <summary>One therapist's agreement with their patients, shrunk towards the clinic.</summary>
/// <param name="Therapist">The therapist's id as the caller gave it (the service passes a pseudonym).</param>
/// <param name="Patients">Patients with at least one session rated by both.</param>
/// <param name="Pairs">Sessions rated by both, over those patients.</param>
/// <param name="MeanDiscrepancy">The mean of the patients' mean discrepancies (therapist minus client), shrunk; null when the clinic's components cannot be estimated.</param>
/// <param name="MeanDiscrepancySds">The same in the clinic's within-patient SDs.</param>
/// <param name="DiscrepancyWeight">The share of the therapist's own deviation from the clinic that is kept (0 to 1).</param>
/// <param name="CorrelatedPatients">Patients with a within-patient correlation (enough pairs, both series varying).</param>
/// <param name="WithinCorrelation">The patients' correlations averaged on Fisher's z, shrunk, and transformed back.</param>
/// <param name="CorrelationWeight">The share of the therapist's own deviation kept for the correlation.</param>
public sealed record TherapistAgreementEstimate(
    [property: JsonPropertyName("therapist_id")] string Therapist,
    [property: JsonPropertyName("n_patients")] int Patients,
    [property: JsonPropertyName("n_pairs")] int Pairs,
    [property: JsonPropertyName("mean_discrepancy")] double? MeanDiscrepancy,
    [property: JsonPropertyName("mean_discrepancy_sds")] double? MeanDiscrepancySds,
    [property: JsonPropertyName("discrepancy_weight")] double? DiscrepancyWeight,
    [property: JsonPropertyName("n_correlated_patients")] int CorrelatedPatients,
    [property: JsonPropertyName("within_correlation")] double? WithinCorrelation,
    [property: JsonPropertyName("correlation_weight")] double? CorrelationWeight);

/// <summary>The clinic's agreement and each therapist's, shrunk towards it.</summary>
/// <param name="Method">How the therapists' figures were shrunk, in words.</param>
/// <param name="MeanDiscrepancy">The clinic's mean of patients' mean discrepancies; null without any.</param>
/// <param name="WithinCorrelation">The clinic's mean of patients' correlations on Fisher's z, transformed back; null without any.</param>
/// <param name="DiscrepancyNote">Why the therapists' discrepancies are not shrunk (and so not given); null when they are.</param>
/// <param name="CorrelationNote">The same for the correlations.</param>
public sealed record ClinicAgreement(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("n_therapists")] int Therapists,
    [property: JsonPropertyName("n_patients")] int Patients,
    [property: JsonPropertyName("n_pairs")] int Pairs,
    [property: JsonPropertyName("mean_discrepancy")] double? MeanDiscrepancy,
    [property: JsonPropertyName("mean_discrepancy_sds")] double? MeanDiscrepancySds,
    [property: JsonPropertyName("discrepancy_between_variance")] double? DiscrepancyBetweenVariance,
    [property: JsonPropertyName("discrepancy_within_variance")] double? DiscrepancyWithinVariance,
    [property: JsonPropertyName("within_correlation")] double? WithinCorrelation,
    [property: JsonPropertyName("correlation_between_variance")] double? CorrelationBetweenVariance,
    [property: JsonPropertyName("correlation_within_variance")] double? CorrelationWithinVariance,
    [property: JsonPropertyName("discrepancy_note")] string? DiscrepancyNote,
    [property: JsonPropertyName("correlation_note")] string? CorrelationNote,
    [property: JsonPropertyName("therapists")] IReadOnlyList<TherapistAgreementEstimate> TherapistEstimates);

public static class TherapistAgreement
{
    public const string Method =
        "empirical Bayes shrinkage under a random-intercept model with patients as units (one-way ANOVA method-of-moments "
        + "variance components): discrepancies on each patient's mean, correlations on Fisher's z of each patient's correlation";

    private const string TooFew = "needs at least two therapists and one of them with two or more patients";

    /// <summary>Therapists in id order, never ranked. Patients without a pair are left out.</summary>
    public static ClinicAgreement Estimate(IEnumerable<(string Therapist, PatientAgreement Patient)> patients, double withinSd)
    {
        var byTherapist = patients.Where(p => p.Patient.Pairs > 0)
            .GroupBy(p => p.Therapist, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Therapist: g.Key, Patients: g.Select(p => p.Patient).ToList()))
            .ToList();
        var discrepancies = RandomInterceptShrinkage.Estimate(byTherapist
            .Select(t => (t.Therapist, (IReadOnlyList<double>)t.Patients.Select(p => p.MeanDiscrepancy!.Value).ToList())).ToList());
        var correlations = RandomInterceptShrinkage.Estimate(byTherapist
            .Select(t => (t.Therapist, (IReadOnlyList<double>)t.Patients.Where(p => p.WithinCorrelation is not null)
                .Select(p => FisherZ(p.WithinCorrelation!.Value)).ToList())).ToList());

        var estimates = byTherapist.Select(t =>
        {
            var d = discrepancies?.Groups.Single(g => g.Group == t.Therapist);
            var r = correlations?.Groups.SingleOrDefault(g => g.Group == t.Therapist);
            return new TherapistAgreementEstimate(
                t.Therapist, t.Patients.Count, t.Patients.Sum(p => p.Pairs),
                d?.Shrunk, d is null ? null : Discrepancy.InSds(d.Shrunk, withinSd), d?.Weight,
                t.Patients.Count(p => p.WithinCorrelation is not null), r is null ? null : Math.Tanh(r.Shrunk), r?.Weight);
        }).ToList();

        var all = byTherapist.SelectMany(t => t.Patients).ToList();
        var correlated = all.Where(p => p.WithinCorrelation is not null).ToList();
        double? clinicMean = all.Count == 0 ? null : all.Average(p => p.MeanDiscrepancy!.Value);
        return new ClinicAgreement(
            Method, byTherapist.Count, all.Count, all.Sum(p => p.Pairs),
            clinicMean, clinicMean is { } m ? Discrepancy.InSds(m, withinSd) : null,
            discrepancies?.BetweenVariance, discrepancies?.WithinVariance,
            correlated.Count == 0 ? null : Math.Tanh(correlated.Average(p => FisherZ(p.WithinCorrelation!.Value))),
            correlations?.BetweenVariance, correlations?.WithinVariance,
            discrepancies is null ? TooFew : null,
            correlations is null ? TooFew + $" with a correlation (at least {PatientAgreementCalculator.MinPairsForCorrelation} paired sessions)" : null,
            estimates);
    }

    /// <summary>atanh, with |r| = 1 (two series moving in lockstep over few sessions) kept finite.</summary>
    public static double FisherZ(double r) => Math.Atanh(Math.Clamp(r, -MaxAbsCorrelation, MaxAbsCorrelation));

    private const double MaxAbsCorrelation = 0.999;
}

/// <summary>The summary's <c>rater_agreement</c> block: client-therapist agreement on one client alliance measure, per therapist.</summary>
/// <param name="Instrument">The client's alliance measure (the summary's <c>alliance</c> filter).</param>
/// <param name="WithinSd">The clinic's within-patient SD of the client's ratings: the unit of every figure in SDs.</param>
/// <param name="MinPairsForCorrelation">A patient's correlation needs at least this many sessions rated by both.</param>
public sealed record RaterAgreementReport(
    [property: JsonPropertyName("instrument")] string Instrument,
    [property: JsonPropertyName("within_sd")] double WithinSd,
    [property: JsonPropertyName("min_pairs_for_correlation")] int MinPairsForCorrelation,
    [property: JsonPropertyName("clinic")] ClinicAgreement Clinic);
