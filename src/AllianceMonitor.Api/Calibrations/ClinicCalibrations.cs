using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Calibrations;

/// <summary>What the detector needs of one clinic: its settings and the latest calibration of each series.</summary>
public sealed class ClinicCalibrations(DetectorSettings settings, IReadOnlyList<CalibrationRecord> latest)
{
    public DetectorSettings Settings => settings;

    /// <summary>The series' latest calibration, or the instrument's documented defaults (version 0) before the first fit.</summary>
    public Calibration Current(string instrument, Rater rater) =>
        latest.FirstOrDefault(c => c.Instrument == instrument && c.Rater == rater)
        ?? Calibration.Default(InstrumentCatalog.Find(instrument)!);
}
