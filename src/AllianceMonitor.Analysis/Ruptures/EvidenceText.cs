using System.Globalization;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>The evidence of a rupture alert and its explanation in plain words, in the clinic's own terms.</summary>
internal static class EvidenceText
{
    public static AlertEvidence OneSession(Context c, double value, Prediction prediction, double z)
    {
        var shown = c.Shown(prediction.Mean);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{c.Instrument.Label} {Format(c.Instrument, value)} where this patient's own earlier ratings predicted about {Format(c.Instrument, shown)}: a drop of {z:0.0} prediction SDs (alerts start at {c.Thresholds.OneSession:0.0}{Origin(c)}).");
        return Evidence(c, RuptureDetector.RuptureRule, value, shown, z, c.OneSessionDrop(prediction), prediction.Sd * c.Model.NullScale, c.Thresholds.OneSession, text);
    }

    public static AlertEvidence TwoSessions(Context c, double previous, double value, Prediction prediction, double combinedSd, double z)
    {
        var shown = c.Shown(prediction.Mean);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{c.Instrument.Label} {Format(c.Instrument, previous)} and then {Format(c.Instrument, value)} where this patient's own earlier ratings predicted about {Format(c.Instrument, shown)}: together a drop of {z:0.0} prediction SDs (alerts for two sessions in a row start at {c.Thresholds.TwoSessions:0.0}{Origin(c)}).");
        var threshold = (c.Model.NullCenter + (c.Thresholds.TwoSessions * c.Model.NullScale)) * combinedSd / 2;
        return Evidence(c, RuptureDetector.TwoLowRule, value, shown, z, threshold, combinedSd / 2 * c.Model.NullScale, c.Thresholds.TwoSessions, text);
    }

    public static string DefaultNote(Calibration calibration) => calibration.IsDefault
        ? " Judged against default values: this clinic does not yet have enough rated sessions for its own calibration."
        : "";

    public static string Format(InstrumentDefinition instrument, double value) =>
        value.ToString(instrument.IntegerItems && instrument.Aggregation == Aggregation.Sum ? "0" : "0.0#", CultureInfo.InvariantCulture);

    private static string Origin(Context c) => c.Thresholds.FromBudget
        ? string.Create(CultureInfo.InvariantCulture, $", where this clinic's own ratings give about {c.Settings.FalseAlertBudget:0.0#} false alerts per 100 sessions")
        : ", as set by this clinic";

    private static AlertEvidence Evidence(
        Context c, string rule, double value, double shown, double z, double threshold, double sd, double thresholdSds, string text)
    {
        var drop = c.Sign * (shown - value);
        var expected = c.Calibration.SymptomEffectPerPoint is { } effect ? -effect * drop : (double?)null;
        if (expected is { } change)
        {
            text += string.Create(CultureInfo.InvariantCulture,
                $" At this clinic a dip this size goes with next-session symptoms about {Math.Abs(change):0.0} points {(change > 0 ? "higher" : "lower")}.");
        }

        text += DefaultNote(c.Calibration);
        return new AlertEvidence(value, shown, z, threshold, rule, RuptureDetector.RuleVersion,
            c.Calibration.Version, c.Calibration.IsDefault, expected, text, sd, thresholdSds, c.Model.Method);
    }
}
