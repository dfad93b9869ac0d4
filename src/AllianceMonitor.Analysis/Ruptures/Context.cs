using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>Everything one replay judges against, derived once from the instrument, the calibration and the settings.</summary>
internal sealed class Context
{
    public Context(InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings)
    {
        Instrument = instrument;
        Calibration = calibration;
        Settings = settings;
        Model = calibration.ModelOrFallback();
        Thresholds = Thresholds.For(settings, Model);
        Sign = instrument.Direction == ScoreDirection.HigherIsBetter ? 1.0 : -1.0;
        Resolution = RobustCalibration.Resolution(instrument);
        RepairTolerance = 1.96 * calibration.MeasurementError(settings.Reliability);
        _best = Sign > 0 ? instrument.TotalMax : instrument.TotalMin;
    }

    private readonly double _best;

    public InstrumentDefinition Instrument { get; }
    public Calibration Calibration { get; }
    public DetectorSettings Settings { get; }
    public PredictionModel Model { get; }
    public Thresholds Thresholds { get; }
    public double Sign { get; }
    public double Resolution { get; }
    public double RepairTolerance { get; }

    /// <summary>A rating at the best end of the scale (within half a rounding step) is censored: the latent value may be higher.</summary>
    public bool AtCeiling(double value) => Sign > 0 && value >= _best - (Resolution / 2);

    public double? CensoredAt(double value) => AtCeiling(value) ? _best - (Resolution / 2) : null;

    /// <summary>A raw standardized error in the clinic's null terms: centred and scaled by its own calibrated errors.</summary>
    public double Standardize(double z) => (z - Model.NullCenter) / Model.NullScale;

    /// <summary>A prediction as shown to people: a latent level above the scale maximum is shown as the maximum.</summary>
    public double Shown(double predicted) => Sign > 0 ? Math.Min(predicted, _best) : predicted;

    /// <summary>The one-session threshold in scale points below the shown prediction.</summary>
    public double OneSessionDrop(Prediction prediction) =>
        Shown(prediction.Mean) - (prediction.Mean - (Sign * (Model.NullCenter + (Thresholds.OneSession * Model.NullScale)) * prediction.Sd));
}
