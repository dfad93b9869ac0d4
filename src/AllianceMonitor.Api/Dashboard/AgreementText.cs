using System.Globalization;
using AllianceMonitor.Api.Patients;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>The patient page's one line on client-therapist agreement, in plain words.</summary>
public static class AgreementText
{
    /// <summary>The agreement on the measure the chart shows, else the first; null when the therapist has rated none of the client's measures.</summary>
    public static string? Describe(IReadOnlyList<PatientAgreementResponse> agreement, string? shownInstrument)
    {
        var a = agreement.FirstOrDefault(x => x.Instrument == shownInstrument) ?? (agreement.Count > 0 ? agreement[0] : null);
        if (a is null || a.Pairs == 0 || a.MeanDiscrepancy is not { } mean)
        {
            return null;
        }

        var (client, therapist) = (Label(a.Instrument), Label(a.TherapistInstrument));
        var direction = Math.Abs(mean) < 0.005 ? "the same as the client on average"
            : string.Create(CultureInfo.InvariantCulture, $"on average {Math.Abs(mean):0.00} points {(mean < 0 ? "lower" : "higher")} than the client");
        var sds = a.MeanDiscrepancySds is { } s && Math.Abs(mean) >= 0.005
            ? string.Create(CultureInfo.InvariantCulture, $" ({Math.Abs(s):0.0} of this clinic's usual session-to-session SDs)")
            : "";
        var together = a.WithinCorrelation is { } r
            ? string.Create(CultureInfo.InvariantCulture, $"Over the sessions, the two ratings correlate r = {r:0.00} (1: they rise and fall together; 0: unrelated).")
            : $"Whether they rise and fall together is not shown: {a.CorrelationNote}.";
        return string.Create(CultureInfo.InvariantCulture,
            $"Client ({client}) and therapist ({therapist}) both rated {a.Pairs} session{(a.Pairs == 1 ? "" : "s")}: the therapist rated the alliance {direction}{sds}. {together}");
    }

    private static string Label(string code) => code.ToUpperInvariant();
}
