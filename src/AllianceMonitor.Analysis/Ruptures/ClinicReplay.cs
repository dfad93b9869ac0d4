using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>One patient's alerts from a clinic replay.</summary>
public sealed record PatientAlerts(string PatientId, IReadOnlyList<DetectedAlert> Alerts);

/// <summary>
/// The command-line replay of a whole clinic: calibrate on the clinic's own ratings (or take the defaults), then replay
/// every patient through <see cref="RuptureDetector"/>, the same call the live service makes per session. The CLI and
/// the detection benchmark both run this, so the benchmark scores exactly what the CLI prints.
/// </summary>
public static class ClinicReplay
{
    public static (Calibration Calibration, IReadOnlyList<PatientAlerts> Patients) Run(
        InstrumentDefinition instrument,
        IReadOnlyCollection<SessionObservation> observations,
        DetectorSettings settings,
        bool calibrateOnData,
        Action<int>? onPatientDone = null)
    {
        var done = 0;
        var calibration = calibrateOnData
            ? Calibration.FromRatings(instrument, observations, version: 1, settings)
            : Calibration.Default(instrument);
        var patients = observations.Where(o => o.Alliance.HasValue)
            .GroupBy(o => o.PatientId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var alerts = new PatientAlerts(g.Key, RuptureDetector.Replay(
                    g.Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList(), instrument, calibration, settings));
                onPatientDone?.Invoke(++done);
                return alerts;
            })
            .ToList();
        return (calibration, patients);
    }
}
