using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Bench.Detection;

/// <summary>
/// A diagnostic (<c>--true-model</c>), not a detector: the cell's own generating parameters in place of the fitted
/// prediction model, to see how much of the gap to the oracle is the calibration and how much the prediction from a
/// short history. Mode <c>raw</c>: the true parameters with no null correction (centre 0, scale 1); <c>null</c>: the
/// true parameters with the null re-measured on the clinic's errors, as the calibration does. Adding
/// <c>fitted-noise</c>, <c>fitted-phi</c>, <c>fitted-level</c> or <c>fitted-slope</c> keeps those fitted values instead.
/// </summary>
public static class TrueModel
{
    public static IReadOnlyList<PatientAlerts> Replay(
        string mode, GridProcess process, Clinic clinic, InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings)
    {
        var model = Model(mode, process, calibration.ModelOrFallback());
        var patients = clinic.Observations.Where(o => o.Alliance.HasValue)
            .GroupBy(o => o.PatientId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Id: g.Key, Series: (IReadOnlyList<RatedSession>)g.OrderBy(o => o.Session).Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList()))
            .ToList();
        if (mode.Contains("null", StringComparison.Ordinal))
        {
            model = RobustCalibration.WithNull(model, patients.Select(p => p.Series).ToList(), instrument, settings);
        }

        var truth = calibration with { Model = model };
        return patients.Select(p => new PatientAlerts(p.Id, RuptureDetector.Replay(p.Series, instrument, truth, settings))).ToList();
    }

    /// <summary>The cell's generating parameters as a prediction model (null centre 0, scale 1); <paramref name="mode"/>'s fitted-* parts keep those fitted values.</summary>
    public static PredictionModel Model(string mode, GridProcess process, PredictionModel fitted)
    {
        bool Keep(string what) => mode.Contains($"fitted-{what}", StringComparison.Ordinal);
        return fitted with
        {
            NoiseSd = Keep("noise") ? fitted.NoiseSd : process.Sigma,
            Phi = Keep("phi") ? fitted.Phi : process.Phi,
            LevelMean = Keep("level") ? fitted.LevelMean : process.GrandMean,
            LevelSd = Keep("level") ? fitted.LevelSd : process.BetweenSd,
            SlopeMean = Keep("slope") ? fitted.SlopeMean : process.SlopeMean,
            SlopeSd = Keep("slope") ? fitted.SlopeSd : process.SlopeSd,
            NullCenter = 0,
            NullScale = 1,
        };
    }
}
