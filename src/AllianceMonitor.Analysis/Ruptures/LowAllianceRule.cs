using System.Globalization;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>A low but possibly stable alliance: the SRS concern threshold, or a usual level in the clinic's lowest decile.</summary>
internal static class LowAllianceRule
{
    /// <param name="count">Sessions so far, this one included.</param>
    /// <param name="sum">Their ratings' sum, added in session order.</param>
    public static AlertEvidence? Check(
        InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings,
        int session, double value, int count, double sum, int? lastLowAlert)
    {
        if (lastLowAlert is { } last && session - last < settings.LowAllianceCooldown)
        {
            return null;
        }

        // The clinic's setting moves the instrument's concern threshold; only the SRS has one.
        if (instrument.Concern is { } concern && value < settings.SrsConcernThreshold)
        {
            var text = string.Create(CultureInfo.InvariantCulture,
                $"{concern.Label} {value:0.#} is below the concern threshold of {settings.SrsConcernThreshold:0.#} ({concern.Source}).");
            return new AlertEvidence(value, settings.SrsConcernThreshold, 0, settings.SrsConcernThreshold,
                RuptureDetector.SrsRule, RuptureDetector.RuleVersion, calibration.Version, calibration.IsDefault, null, text);
        }

        if (count < Calibration.MinRatedSessions)
        {
            return null;
        }

        var level = RuptureDetector.ShrunkenMean(count, sum, calibration);
        if (level >= calibration.LowAllianceThreshold)
        {
            return null;
        }

        var message = string.Create(CultureInfo.InvariantCulture,
            $"{instrument.Label} has stayed low: this patient's usual level {EvidenceText.Format(instrument, level)} is in this clinic's lowest tenth (below {EvidenceText.Format(instrument, calibration.LowAllianceThreshold)}).")
            + EvidenceText.DefaultNote(calibration);
        return new AlertEvidence(value, level, (calibration.GrandMean - level) / calibration.WithinSd,
            calibration.LowAllianceThreshold, RuptureDetector.LowLevelRule, RuptureDetector.RuleVersion, calibration.Version, calibration.IsDefault, null, message);
    }
}
