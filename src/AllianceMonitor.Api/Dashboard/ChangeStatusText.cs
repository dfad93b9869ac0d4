using System.Globalization;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>One measure's change since the patient's first rating, as the patient page shows it.</summary>
/// <param name="Status">Null while the measure has only one rating.</param>
/// <param name="Words">The status and what it rests on, in one plain sentence.</param>
public sealed record ChangeStatusRow(string Instrument, string Label, ChangeStatus? Status, string Words);

/// <summary>Reliable change in plain words for clinicians: what was compared, by how much it moved, and what that means.</summary>
public static class ChangeStatusText
{
    public static ChangeStatusRow Describe(InstrumentDefinition instrument, ChangeAssessment? a, int firstSession, double firstScore)
    {
        if (a is null)
        {
            return new ChangeStatusRow(instrument.Code, instrument.Label, null, string.Create(CultureInfo.InvariantCulture,
                $"One rating so far ({Show(instrument, firstScore)} at session {firstSession}); change is judged from the second."));
        }

        var moved = string.Create(CultureInfo.InvariantCulture,
            $"{Show(instrument, a.FirstScore)} at session {a.FirstSession}, now {Show(instrument, a.Score)} at session {a.Session}");
        var size = Points(instrument, Math.Abs(a.Improvement));
        var reliable = Points(instrument, a.ReliableChange);
        var words = a.Status switch
        {
            ChangeStatus.Recovered => $"Recovered: {moved}, {size} better (a reliable change is {reliable} or more) and out of the clinical range.",
            ChangeStatus.ReliablyImproved => $"Reliably improved: {moved}, {size} better (a reliable change is {reliable} or more){StillClinical(a)}.",
            ChangeStatus.ReliablyDeteriorated => $"Reliably deteriorated: {moved}, {size} worse (a reliable change is {reliable} or more).",
            _ => $"No reliable change: {moved}, {(a.Improvement == 0 ? "unchanged" : size + (a.Improvement > 0 ? " better" : " worse"))}, less than the {reliable} a reliable change needs.",
        };
        return new ChangeStatusRow(instrument.Code, instrument.Label, a.Status, words);
    }

    private static string StillClinical(ChangeAssessment a) => a.NowClinical == true ? ", still in the clinical range" : "";

    private static string Show(InstrumentDefinition instrument, double total) => DeteriorationRule.Show(instrument, total);

    private static string Points(InstrumentDefinition instrument, double points) => string.Create(CultureInfo.InvariantCulture,
        $"{points * (instrument.PercentFactor ?? 1):0.#} {(instrument.PercentFactor is null ? "points" : "percentage points")}");
}
