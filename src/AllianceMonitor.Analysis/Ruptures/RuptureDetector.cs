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
        var context = new Context(instrument, calibration, settings);
        var alerts = new List<DetectedAlert>();
        var judgements = new List<SessionJudgement>();
        var allValues = new List<double>();
        var filter = new TrendFilter(context.Model, context.Resolution);
        var taken = 0;
        Episode? open = null;
        Pending? pending = null;
        int? lastLowAlert = null;

        foreach (var (session, value) in history.OrderBy(h => h.Session))
        {
            allValues.Add(value);
            if (open is not null)
            {
                judgements.Add(new SessionJudgement(session, value, open.Baseline, null, InRupture: true));
                open = Track(open, session, value, context, alerts, filter, ref taken);
                pending = null;
            }
            else if (taken >= settings.MinBaselineSessions && !context.AtCeiling(value))
            {
                var prediction = filter.Predict(session);
                var z = context.Standardize(context.Sign * (prediction.Mean - value) / prediction.Sd);
                judgements.Add(new SessionJudgement(session, value, context.Shown(prediction.Mean), context.OneSessionDrop(prediction), InRupture: false));
                if (z >= context.Thresholds.OneSession)
                {
                    alerts.Add(new DetectedAlert(AlertKind.Rupture, session, EvidenceText.OneSession(context, value, prediction, z), RuptureStatus.Open, 2, null));
                    open = new Episode(alerts.Count - 1, context.Shown(prediction.Mean), [new RatedSession(session, value)], 1);
                }
                else if (pending is { } earlier && TwoLow(context, earlier, session, value) is { } pair)
                {
                    alerts.Add(new DetectedAlert(AlertKind.Rupture, session, pair.Evidence, RuptureStatus.Open, 2, null));
                    filter = earlier.Before;
                    taken--;
                    open = new Episode(alerts.Count - 1, context.Shown(pair.Predicted), [earlier.Session, new RatedSession(session, value)], 2);
                }

                pending = null;
                if (open is null)
                {
                    var before = z >= TwoSessionMinimum ? filter.Copy() : null;
                    filter.Update(session, value, null);
                    taken++;
                    pending = before is null ? null : new Pending(before, new RatedSession(session, value));
                }
            }
            else
            {
                judgements.Add(new SessionJudgement(session, value, taken >= settings.MinBaselineSessions ? context.Shown(filter.Predict(session).Mean) : null, null, InRupture: false));
                filter.Update(session, value, context.CensoredAt(value));
                taken++;
                pending = null;
            }

            if (LowAllianceRule.Check(instrument, calibration, settings, session, value, allValues, lastLowAlert) is { } low)
            {
                alerts.Add(new DetectedAlert(AlertKind.LowAlliance, session, low, null, 1, null));
                lastLowAlert = session;
            }
        }

        return new DetectorRun(alerts, judgements);
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
    /// The two-session rule: the previous session and this one, judged together against the prediction made before
    /// the first of them. Their combined drop in SDs of the combined drop must reach the two-session threshold, and each
    /// must be at least <see cref="TwoSessionMinimum"/> SDs low on its own.
    /// </summary>
    private static (AlertEvidence Evidence, double Predicted)? TwoLow(Context context, Pending earlier, int session, double value)
    {
        var (first, second, covariance) = earlier.Before.PredictPair(earlier.Session.Session, session);
        var drop1 = context.Sign * (first.Mean - earlier.Session.Value);
        var drop2 = context.Sign * (second.Mean - value);
        if (context.Standardize(drop1 / first.Sd) < TwoSessionMinimum || context.Standardize(drop2 / second.Sd) < TwoSessionMinimum)
        {
            return null;
        }

        var combinedSd = Math.Sqrt((first.Sd * first.Sd) + (second.Sd * second.Sd) + (2 * covariance));
        var z = context.Standardize((drop1 + drop2) / combinedSd);
        if (z < context.Thresholds.TwoSessions)
        {
            return null;
        }

        return (EvidenceText.TwoSessions(context, earlier.Session.Value, value, second, combinedSd, z), second.Mean);
    }

    private static Episode? Track(Episode open, int session, double value, Context context, List<DetectedAlert> alerts, TrendFilter filter, ref int taken)
    {
        // Sessions since the alert: the repair window counts from the session that raised it.
        var since = open.Dip.Count - open.AtAlert + 1;
        if (context.Sign * (open.Baseline - value) <= context.RepairTolerance)
        {
            // A repaired dip was a departure from the patient's level, not part of it: it stays out of the prediction.
            alerts[open.AlertIndex] = alerts[open.AlertIndex] with { Status = RuptureStatus.Repaired, Severity = 1, StatusSession = session };
            filter.Update(session, value, context.CensoredAt(value));
            taken++;
            return null;
        }

        if (since >= context.Settings.RepairWindow)
        {
            // Not repaired: the lower level is now the patient's level, so the dip joins the prediction (and a
            // chronically low level is the low-alliance rule's concern, not a string of new ruptures).
            alerts[open.AlertIndex] = alerts[open.AlertIndex] with { Status = RuptureStatus.Unrepaired, Severity = 3, StatusSession = session };
            foreach (var dip in open.Dip.Append(new RatedSession(session, value)))
            {
                filter.Update(dip.Session, dip.Value, context.CensoredAt(dip.Value));
                taken++;
            }

            return null;
        }

        open.Dip.Add(new RatedSession(session, value));
        return open;
    }

    /// <param name="Dip">The ratings of the dip so far, the rupture's own first.</param>
    /// <param name="AtAlert">How many of them were known when the alert was raised (2 for the two-low-sessions rule).</param>
    private sealed record Episode(int AlertIndex, double Baseline, List<RatedSession> Dip, int AtAlert);

    /// <summary>A session that was low enough to start a pair, and the filter as it stood before that session.</summary>
    private sealed record Pending(TrendFilter Before, RatedSession Session);
}
