using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Calibrations;

namespace AllianceMonitor.Api.Patients;

/// <summary>How the client's and the therapist's ratings of the same sessions agree, on one client alliance measure.</summary>
/// <param name="Instrument">The client's measure.</param>
/// <param name="TherapistInstrument">The therapist's rating it is set against (WAI-SR-T for the WAI-SR, else the same measure).</param>
/// <param name="WithinSd">The clinic's within-patient SD of the client's ratings: the unit of the discrepancies in SDs.</param>
/// <param name="Pairs">Sessions rated by both.</param>
/// <param name="MeanDiscrepancy">Mean of therapist minus client, in points; negative when the therapist rates lower.</param>
/// <param name="WithinCorrelation">
/// Whether the two move together from session to session (Pearson's r over the paired sessions); null below
/// <see cref="PatientAgreementCalculator.MinPairsForCorrelation"/> pairs or when one side never varies, with the reason in correlationNote.
/// </param>
public sealed record PatientAgreementResponse(
    string Instrument, string TherapistInstrument, double WithinSd, int Pairs, double? MeanDiscrepancy, double? MeanDiscrepancySds,
    double? WithinCorrelation, string? CorrelationNote, IReadOnlyList<SessionDiscrepancy> Sessions);

public static class PatientAgreementQuery
{
    /// <summary>One entry per client alliance measure the patient has, where the therapist has rated its counterpart.</summary>
    public static async Task<List<PatientAgreementResponse>> ForPatientAsync(
        IReadOnlyDictionary<(string Instrument, Rater Rater), List<RatedSession>> series, Guid clinicId, CalibrationStore calibrations,
        CancellationToken cancellationToken)
    {
        var result = new List<PatientAgreementResponse>();
        foreach (var form in TherapistForms.ClientForms)
        {
            var therapistForm = TherapistForms.Of(form.Code).FirstOrDefault(c => series.ContainsKey((c, Rater.Therapist)));
            if (!series.TryGetValue((form.Code, Rater.Client), out var client) || therapistForm is null)
            {
                continue;
            }

            var withinSd = (await calibrations.CurrentAsync(clinicId, form.Code, Rater.Client, cancellationToken)).WithinSd;
            var pairs = Discrepancy.Pair(client, series[(therapistForm, Rater.Therapist)]);
            var agreement = PatientAgreementCalculator.Compute(pairs, withinSd);
            result.Add(new PatientAgreementResponse(
                form.Code, therapistForm, withinSd, agreement.Pairs, agreement.MeanDiscrepancy, agreement.MeanDiscrepancySds,
                agreement.WithinCorrelation, agreement.CorrelationNote, pairs.Select(p => Discrepancy.Of(p, withinSd)).ToList()));
        }

        return result;
    }
}
