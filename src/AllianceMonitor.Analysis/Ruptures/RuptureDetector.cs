using System.Globalization;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// Replays one patient's ratings (one instrument, one rater) in session order and returns every alert as it stands
/// after the last session given. Each step uses only the sessions up to it, so an alert raised at session t is the
/// same whether or not later sessions exist; later sessions only move a rupture to repaired or unrepaired. The live
/// service and the command-line replay both call this.
/// </summary>
/// <remarks>
/// "K SDs" is measured in the SD of a new rating around the patient's baseline: the clinic's session-to-session SD
/// plus the uncertainty of a baseline built from few sessions (<see cref="PredictionSd"/>). With the plain
/// within-patient SD a patient with two earlier sessions was judged as if their usual level were known exactly, which
/// made early sessions the main source of false alerts.
/// </remarks>
public static class RuptureDetector
{
    public const string RuptureRule = "rupture.baseline_drop";
    public const string TwoLowRule = "rupture.two_low_sessions";
    public const string LowLevelRule = "low_alliance.lowest_decile";
    public const string SrsRule = "low_alliance.srs_threshold";
    /// <summary>2: thresholds in prediction SDs and the two-low-sessions rule (version 1 used the plain within-patient SD).</summary>
    public const int RuleVersion = 2;

    public static IReadOnlyList<DetectedAlert> Replay(
        IReadOnlyList<RatedSession> history,
        InstrumentDefinition instrument,
        Calibration calibration,
        DetectorSettings settings) => Run(history, instrument, calibration, settings).Alerts;

    /// <summary>
    /// <see cref="Replay"/>, plus what each session was judged against: the trajectory view draws exactly the
    /// baseline and band the detector used, so a point outside the band is a point that raised an alert.
    /// </summary>
    public static DetectorRun Run(
        IReadOnlyList<RatedSession> history,
        InstrumentDefinition instrument,
        Calibration calibration,
        DetectorSettings settings)
    {
        var sign = instrument.Direction == ScoreDirection.HigherIsBetter ? 1.0 : -1.0;
        var reliableChange = calibration.ReliableChange(settings.Reliability);
        var repairTolerance = 1.96 * calibration.MeasurementError(settings.Reliability);

        var alerts = new List<DetectedAlert>();
        var judgements = new List<SessionJudgement>();
        var baselineValues = new List<double>();
        var allValues = new List<double>();
        Episode? open = null;
        int? lastLowAlert = null;
        double? previousInBaseline = null;

        foreach (var (session, value) in history.OrderBy(h => h.Session))
        {
            allValues.Add(value);
            judgements.Add(Judgement(session, value, open, baselineValues, calibration, settings, reliableChange));
            if (open is not null)
            {
                open = Track(open, session, value, sign, repairTolerance, settings, alerts, baselineValues);
            }
            else if (baselineValues.Count >= settings.MinBaselineSessions)
            {
                var baseline = ShrunkenMean(baselineValues, calibration);
                var drop = sign * (baseline - value);
                var threshold = Math.Max(reliableChange, settings.K * PredictionSd(baselineValues.Count, calibration));
                if (drop >= threshold)
                {
                    var evidence = RuptureEvidence(instrument, calibration, session, value, baseline, drop, threshold);
                    alerts.Add(new DetectedAlert(AlertKind.Rupture, session, evidence, RuptureStatus.Open, 2, null));
                    open = new Episode(alerts.Count - 1, baseline, [value], 1);
                }
                else if (previousInBaseline is { } previous && baselineValues.Count - 1 >= settings.MinBaselineSessions)
                {
                    open = TwoLow(instrument, calibration, settings, reliableChange, sign, session, previous, value, baselineValues, alerts);
                }
            }

            previousInBaseline = null;
            if (open is null)
            {
                baselineValues.Add(value);
                previousInBaseline = value;
            }

            if (LowAlliance(instrument, calibration, settings, session, value, allValues, lastLowAlert) is { } low)
            {
                alerts.Add(new DetectedAlert(AlertKind.LowAlliance, session, low, null, 1, null));
                lastLowAlert = session;
            }
        }

        return new DetectorRun(alerts, judgements);
    }

    private static SessionJudgement Judgement(
        int session, double value, Episode? open, List<double> baselineValues, Calibration calibration, DetectorSettings settings, double reliableChange)
    {
        if (open is not null)
        {
            // During a rupture the session is measured against the level the rupture broke from.
            return new SessionJudgement(session, value, open.Baseline, null, InRupture: true);
        }

        if (baselineValues.Count < settings.MinBaselineSessions)
        {
            return new SessionJudgement(session, value, null, null, InRupture: false);
        }

        var threshold = Math.Max(reliableChange, settings.K * PredictionSd(baselineValues.Count, calibration));
        return new SessionJudgement(session, value, ShrunkenMean(baselineValues, calibration), threshold, InRupture: false);
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
    /// The SD of a new rating around a baseline of <paramref name="baselineSessions"/> sessions: session-to-session
    /// noise plus the posterior variance of the patient's level, so that "K SDs" is a prediction-interval statement.
    /// It shrinks towards the within-patient SD as the baseline grows.
    /// </summary>
    public static double PredictionSd(int baselineSessions, Calibration calibration)
    {
        var within = calibration.WithinSd * calibration.WithinSd;
        var between = calibration.BetweenVariance;
        return Math.Sqrt(within + (between * within / ((baselineSessions * between) + within)));
    }

    /// <summary>
    /// The second rupture rule: this session and the one before are both at least <see cref="DetectorSettings.SustainedK"/>
    /// prediction SDs (and the reliable change) below the baseline of the sessions before them. It catches dips that
    /// last two sessions without being deep enough for the one-session rule; the earlier session leaves the baseline.
    /// </summary>
    private static Episode? TwoLow(
        InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings, double reliableChange, double sign,
        int session, double previous, double value, List<double> baselineValues, List<DetectedAlert> alerts)
    {
        var earlier = baselineValues.GetRange(0, baselineValues.Count - 1);
        var baseline = ShrunkenMean(earlier, calibration);
        var drop = Math.Min(sign * (baseline - previous), sign * (baseline - value));
        var threshold = Math.Max(reliableChange, settings.SustainedK * PredictionSd(earlier.Count, calibration));
        if (drop < threshold)
        {
            return null;
        }

        var sds = drop / calibration.WithinSd;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{instrument.Label} {Format(instrument, previous)} and then {Format(instrument, value)} after a usual {Format(instrument, baseline)}: two sessions in a row each at least {sds:0.0} times this clinic's usual session-to-session variation below it (alerts start at {threshold / calibration.WithinSd:0.0} for two sessions in a row).")
            + DefaultNote(calibration);
        var expected = calibration.SymptomEffectPerPoint is { } effect ? -effect * sign * (baseline - value) : (double?)null;
        alerts.Add(new DetectedAlert(
            AlertKind.Rupture, session, new AlertEvidence(value, baseline, sds, threshold, TwoLowRule, RuleVersion,
                calibration.Version, calibration.IsDefault, expected, text),
            RuptureStatus.Open, 2, null));
        baselineValues.RemoveAt(baselineValues.Count - 1);
        return new Episode(alerts.Count - 1, baseline, [previous, value], 2);
    }

    private static Episode? Track(
        Episode open, int session, double value, double sign, double repairTolerance, DetectorSettings settings,
        List<DetectedAlert> alerts, List<double> baselineValues)
    {
        // Sessions since the alert: the repair window counts from the session that raised it.
        var since = open.Dip.Count - open.AtAlert + 1;
        if (sign * (open.Baseline - value) <= repairTolerance)
        {
            // A repaired dip was a departure from the patient's level, not part of it: it stays out of the baseline.
            alerts[open.AlertIndex] = alerts[open.AlertIndex] with { Status = RuptureStatus.Repaired, Severity = 1, StatusSession = session };
            return null;
        }

        if (since >= settings.RepairWindow)
        {
            // Not repaired: the lower level is now the patient's level, so it joins the baseline (and a chronically
            // low level is the low-alliance rule's concern, not a string of new ruptures).
            alerts[open.AlertIndex] = alerts[open.AlertIndex] with { Status = RuptureStatus.Unrepaired, Severity = 3, StatusSession = session };
            baselineValues.AddRange(open.Dip);
            return null;
        }

        open.Dip.Add(value);
        return open;
    }

    private static AlertEvidence RuptureEvidence(
        InstrumentDefinition instrument, Calibration calibration, int session, double value, double baseline, double drop, double threshold)
    {
        var sds = drop / calibration.WithinSd;
        var expected = calibration.SymptomEffectPerPoint is { } effect ? -effect * drop : (double?)null;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{instrument.Label} {Format(instrument, value)} after a usual {Format(instrument, baseline)}: a drop of {sds:0.0} times this clinic's usual session-to-session variation (alerts start at {threshold / calibration.WithinSd:0.0}).");
        if (expected is { } change)
        {
            text += string.Create(CultureInfo.InvariantCulture,
                $" At this clinic a dip this size goes with next-session symptoms about {Math.Abs(change):0.0} points {(change > 0 ? "higher" : "lower")}.");
        }

        text += DefaultNote(calibration);
        return new AlertEvidence(value, baseline, sds, threshold, RuptureRule, RuleVersion,
            calibration.Version, calibration.IsDefault, expected, text);
    }

    private static AlertEvidence? LowAlliance(
        InstrumentDefinition instrument, Calibration calibration, DetectorSettings settings,
        int session, double value, List<double> allValues, int? lastLowAlert)
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
                SrsRule, RuleVersion, calibration.Version, calibration.IsDefault, null, text);
        }

        if (allValues.Count < Calibration.MinRatedSessions)
        {
            return null;
        }

        var level = ShrunkenMean(allValues, calibration);
        if (level >= calibration.LowAllianceThreshold)
        {
            return null;
        }

        var message = string.Create(CultureInfo.InvariantCulture,
            $"{instrument.Label} has stayed low: this patient's usual level {Format(instrument, level)} is in this clinic's lowest tenth (below {Format(instrument, calibration.LowAllianceThreshold)}).")
            + DefaultNote(calibration);
        return new AlertEvidence(value, level, (calibration.GrandMean - level) / calibration.WithinSd,
            calibration.LowAllianceThreshold, LowLevelRule, RuleVersion, calibration.Version, calibration.IsDefault, null, message);
    }

    private static string DefaultNote(Calibration calibration) => calibration.IsDefault
        ? " Judged against default values: this clinic does not yet have enough rated sessions for its own calibration."
        : "";

    private static string Format(InstrumentDefinition instrument, double value) =>
        value.ToString(instrument.IntegerItems && instrument.Aggregation == Aggregation.Sum ? "0" : "0.0#", CultureInfo.InvariantCulture);

    /// <param name="Dip">The ratings of the dip so far, the rupture's own first.</param>
    /// <param name="AtAlert">How many of them were known when the alert was raised (2 for the two-low-sessions rule).</param>
    private sealed record Episode(int AlertIndex, double Baseline, List<double> Dip, int AtAlert);
}
