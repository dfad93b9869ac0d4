using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Change;

/// <summary>
/// Jacobson &amp; Truax (1991) on the catalog's published values, against the patient's first rated session.
/// The rules, with their boundaries:
/// <list type="bullet">
/// <item>Reliable change: a change of <b>at least</b> the instrument's reliable-change value in either direction (the
/// published values are stated as "N points or more"; PHQ-9 6, GAD-7 4, WHO-5 10 percentage points, CORE-10 6, ORS 5, OQ-45 14).
/// A change of exactly N is reliable; N minus one step is not.</item>
/// <item>Clinical range: for a higher-is-worse scale a total <b>at or above</b> the cut-off (PHQ-9 10 or more); for a
/// higher-is-better scale a total <b>below</b> it (WHO-5 raw below 13, i.e. percentage 50 or below).</item>
/// <item>Recovered: reliably improved, first score in the clinical range and current score outside it.</item>
/// </list>
/// </summary>
public static class ReliableChangeClassifier
{
    // ORS totals are sums of one-decimal items, so 30.1 - 25.1 is 5.000000000000004 or 4.999999999999996 in binary:
    // a boundary compared without slack would fall on either side by rounding alone.
    private const double Slack = 1e-9;

    /// <summary>Null where the instrument has no reliable-change value (alliance measures, or none citable).</summary>
    public static ChangeAssessment? Classify(InstrumentDefinition instrument, RatedSession first, RatedSession current)
    {
        if (!instrument.MeasuresOutcome || instrument.ReliableChange is not { } reliableChange)
        {
            return null;
        }

        var change = current.Value - first.Value;
        var improvement = instrument.Direction == ScoreDirection.HigherIsBetter ? change : -change;
        var firstClinical = IsClinical(instrument, first.Value);
        var nowClinical = IsClinical(instrument, current.Value);
        var status = improvement >= reliableChange - Slack
            ? (firstClinical == true && nowClinical == false ? ChangeStatus.Recovered : ChangeStatus.ReliablyImproved)
            : -improvement >= reliableChange - Slack
                ? ChangeStatus.ReliablyDeteriorated
                : ChangeStatus.NoReliableChange;
        return new ChangeAssessment(instrument, first.Session, first.Value, current.Session, current.Value, change, improvement,
            reliableChange, firstClinical, nowClinical, status);
    }

    /// <summary>The status at the latest rated session of a series in session order; null before a second session.</summary>
    public static ChangeAssessment? Latest(InstrumentDefinition instrument, IReadOnlyList<RatedSession> series) =>
        series.Count < 2 ? null : Classify(instrument, series[0], series[^1]);

    /// <summary>Whether a total is in the clinical range; null where the instrument has no cut-off.</summary>
    public static bool? IsClinical(InstrumentDefinition instrument, double total) => instrument.ClinicalCutoff switch
    {
        null => null,
        { } cutoff when instrument.Direction == ScoreDirection.HigherIsWorse => total >= cutoff - Slack,
        { } cutoff => total < cutoff - Slack,
    };
}
