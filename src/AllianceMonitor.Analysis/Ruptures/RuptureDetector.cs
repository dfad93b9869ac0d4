using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// Replays one patient's ratings (one instrument, one rater) in session order and returns every alert as it stands
/// after the last session given. Each step uses only the sessions up to it, so an alert raised at session t is the
/// same whether or not later sessions exist; later sessions only move a rupture to repaired or unrepaired. The live
/// service, the trajectory view and the command-line replay all call this.
/// </summary>
/// <remarks>
/// Rule version 3 (issue 11): each session is judged against what this patient's own history predicts for it
/// (<see cref="TrendFilter"/>: level, trend and serial correlation, shrunk towards the clinic, with the baseline's own
/// uncertainty), ratings at the scale maximum count as "at least the maximum", and the thresholds come from the
/// clinic's false-alert budget on its own calibrated null (<see cref="Thresholds"/>). Sessions inside a rupture stay
/// out of the prediction unless the rupture goes unrepaired.
/// </remarks>
public static class RuptureDetector
{
    public const string RuptureRule = "rupture.prediction_drop";
    public const string TwoLowRule = "rupture.two_low_sessions";
    public const string LowLevelRule = "low_alliance.lowest_decile";
    public const string SrsRule = "low_alliance.srs_threshold";

    /// <summary>
    /// 3: judged against a trend-and-AR(1) prediction with censoring at the maximum, thresholds from a false-alert budget
    /// (version 2: a drop from a shrunken mean of K prediction SDs; version 1: K within-patient SDs).
    /// </summary>
    public const int RuleVersion = 3;

    /// <summary>
    /// In the two-session rule each session must itself be at least this many prediction SDs low, so that a normal
    /// session after a one-session dip does not complete a pair (1.0, set a priori, not tuned).
    /// </summary>
    public const double TwoSessionMinimum = 1.0;

    public static IReadOnlyList<DetectedAlert> Replay(
        IReadOnlyList<RatedSession> history, InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings) =>
        Run(history, instrument, calibration, settings).Alerts;

    /// <summary>
    /// <see cref="Replay"/>, plus what each session was judged against: the trajectory view draws exactly the
    /// prediction and band the detector used, so a point below the band is a point that raised an alert.
    /// </summary>
    public static DetectorRun Run(
        IReadOnlyList<RatedSession> history, InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings)
    {
        // A state made here is for these inputs by construction: no fingerprint to check (a hash of the calibration and
        // settings per series, which a whole-clinic replay would pay for every patient).
        var context = new Context(instrument, calibration, settings);
        return Steps(DetectorState.Start(context), history, context).Result();
    }

    /// <summary>
    /// Judges <paramref name="later"/> sessions from a stored <paramref name="state"/> instead of replaying the ones
    /// before: the one loop <see cref="Run"/> is, started where the state left off. Returns the alerts that are new or
    /// can still have changed (the open rupture the state carried, and every alert raised by these sessions), the
    /// judgements of these sessions, and the state after them. Alerts before them that the state does not carry are
    /// final: they are exactly as the previous replay left them.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The state was computed under another instrument, calibration, settings or rule version, or a session is not after
    /// the state's last one (a correction of an earlier session needs a replay from before it).
    /// </exception>
    public static (DetectorRun Run, DetectorState State) Resume(
        DetectorState state, IEnumerable<RatedSession> later, InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings)
    {
        if (!state.IsFor(instrument, calibration, settings))
        {
            throw new ArgumentException("The state was computed under another calibration, settings or rule version: replay from the start.", nameof(state));
        }

        var loop = Steps(state, later, new Context(instrument, calibration, settings));
        return (loop.Result(), loop.Save());
    }

    /// <summary>The one loop, from a state known to be for <paramref name="context"/>, over sessions after its last.</summary>
    private static DetectorLoop Steps(DetectorState state, IEnumerable<RatedSession> later, Context context)
    {
        var loop = new DetectorLoop(context, state);
        foreach (var (session, value) in later.OrderBy(h => h.Session))
        {
            if (session <= state.LastSession)
            {
                throw new ArgumentException($"Session {session} is not after the state's last session {state.LastSession}: replay from before it.", nameof(later));
            }

            loop.Step(session, value);
        }

        return loop;
    }

    /// <summary>The empirical Bayes estimate of the patient's level: the mean of the values pulled towards the clinic's grand mean.</summary>
    public static double ShrunkenMean(IReadOnlyCollection<double> values, Calibration calibration)
    {
        var n = values.Count;
        var between = calibration.BetweenVariance;
        var weight = n * between / ((n * between) + (calibration.WithinSd * calibration.WithinSd));
        return calibration.GrandMean + (weight * (values.Average() - calibration.GrandMean));
    }

    /// <summary>
    /// <see cref="ShrunkenMean(IReadOnlyCollection{double}, Calibration)"/> from the count and the sum of the values,
    /// the sum added in order as <see cref="Enumerable.Average(IEnumerable{double})"/> adds it, so the two agree bit for bit.
    /// </summary>
    public static double ShrunkenMean(int count, double sum, Calibration calibration)
    {
        var between = calibration.BetweenVariance;
        var weight = count * between / ((count * between) + (calibration.WithinSd * calibration.WithinSd));
        return calibration.GrandMean + (weight * ((sum / count) - calibration.GrandMean));
    }
}
