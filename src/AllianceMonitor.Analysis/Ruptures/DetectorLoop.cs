namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// The rupture detector's one loop (<see cref="RuptureDetector.Resume"/>): restored from a <see cref="DetectorState"/>,
/// stepped one session at a time, saved back to one. A full replay starts it from <see cref="DetectorState.Start(Context)"/>,
/// so the live path, the trajectory and the command-line replay judge every session by this code and no other.
/// </summary>
internal sealed class DetectorLoop
{
    private readonly Context _context;
    private readonly DetectorState _from;
    private readonly List<DetectedAlert> _alerts = [];
    private readonly List<SessionJudgement> _judgements = [];
    private TrendFilter _filter;
    private int _taken;
    private Episode? _open;
    private Pending? _pending;
    private int _lowCount;
    private double _lowSum;
    private int? _lastLowAlert;
    private int _sessions;
    private int? _lastSession;

    public DetectorLoop(Context context, DetectorState state)
    {
        _context = context;
        _from = state;
        _filter = Filter(state.Filter);
        _taken = state.Taken;
        if (state.Open is { } open)
        {
            // The open rupture's alert is the one earlier alert that can still change: it is carried as the first.
            _alerts.Add(open.Alert);
            _open = new Episode(0, open.Baseline, [.. open.Dip], open.AtAlert);
        }

        _pending = state.Pending is { } pending ? new Pending(Filter(pending.Before), pending.Session) : null;
        (_lowCount, _lowSum, _lastLowAlert) = (state.LowCount, state.LowSum, state.LastLowAlert);
        (_sessions, _lastSession) = (state.Sessions, state.LastSession);
    }

    /// <summary>The alerts this loop raised or still tracks, and the judgement of every session it stepped.</summary>
    public DetectorRun Result() => new(_alerts.ToList(), _judgements.ToList());

    public DetectorState Save() => _from with
    {
        Sessions = _sessions,
        LastSession = _lastSession,
        Filter = _filter.Save(),
        Taken = _taken,
        Open = _open is { } open ? new OpenRupture(_alerts[open.AlertIndex], open.Baseline, [.. open.Dip], open.AtAlert) : null,
        Pending = _pending is { } pending ? new PendingPair(pending.Before.Save(), pending.Session) : null,
        LowCount = _lowCount,
        LowSum = _lowSum,
        LastLowAlert = _lastLowAlert,
    };

    public void Step(int session, double value)
    {
        var context = _context;
        var settings = context.Settings;
        _sessions++;
        _lastSession = session;
        _lowCount++;
        _lowSum += value;
        if (_open is not null)
        {
            _judgements.Add(new SessionJudgement(session, value, _open.Baseline, null, InRupture: true));
            _open = Track(_open, session, value);
            _pending = null;
        }
        else if (_taken >= settings.MinBaselineSessions && !context.AtCeiling(value))
        {
            var prediction = _filter.Predict(session);
            var z = context.Standardize(context.Sign * (prediction.Mean - value) / prediction.Sd);
            _judgements.Add(new SessionJudgement(session, value, context.Shown(prediction.Mean), context.OneSessionDrop(prediction), InRupture: false));
            if (z >= context.Thresholds.OneSession)
            {
                _alerts.Add(new DetectedAlert(AlertKind.Rupture, session, EvidenceText.OneSession(context, value, prediction, z), RuptureStatus.Open, 2, null));
                _open = new Episode(_alerts.Count - 1, context.Shown(prediction.Mean), [new RatedSession(session, value)], 1);
            }
            else if (_pending is { } earlier && TwoLow(context, earlier, session, value) is { } pair)
            {
                _alerts.Add(new DetectedAlert(AlertKind.Rupture, session, pair.Evidence, RuptureStatus.Open, 2, null));
                _filter = earlier.Before;
                _taken--;
                _open = new Episode(_alerts.Count - 1, context.Shown(pair.Predicted), [earlier.Session, new RatedSession(session, value)], 2);
            }

            _pending = null;
            if (_open is null)
            {
                var before = z >= RuptureDetector.TwoSessionMinimum ? _filter.Copy() : null;
                _filter.Update(session, value, null);
                _taken++;
                _pending = before is null ? null : new Pending(before, new RatedSession(session, value));
            }
        }
        else
        {
            _judgements.Add(new SessionJudgement(session, value, _taken >= settings.MinBaselineSessions ? context.Shown(_filter.Predict(session).Mean) : null, null, InRupture: false));
            _filter.Update(session, value, context.CensoredAt(value));
            _taken++;
            _pending = null;
        }

        if (LowAllianceRule.Check(context.Instrument, context.Calibration, settings, session, value, _lowCount, _lowSum, _lastLowAlert) is { } low)
        {
            _alerts.Add(new DetectedAlert(AlertKind.LowAlliance, session, low, null, 1, null));
            _lastLowAlert = session;
        }
    }

    private TrendFilter Filter(FilterState state) => TrendFilter.Restore(_context.Model, _context.Resolution, state);

    /// <summary>
    /// The two-session rule: the previous session and this one, judged together against the prediction made before
    /// the first of them. Their combined drop in SDs of the combined drop must reach the two-session threshold, and each
    /// must be at least <see cref="RuptureDetector.TwoSessionMinimum"/> SDs low on its own.
    /// </summary>
    private static (AlertEvidence Evidence, double Predicted)? TwoLow(Context context, Pending earlier, int session, double value)
    {
        var (first, second, covariance) = earlier.Before.PredictPair(earlier.Session.Session, session);
        var drop1 = context.Sign * (first.Mean - earlier.Session.Value);
        var drop2 = context.Sign * (second.Mean - value);
        if (context.Standardize(drop1 / first.Sd) < RuptureDetector.TwoSessionMinimum || context.Standardize(drop2 / second.Sd) < RuptureDetector.TwoSessionMinimum)
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

    private Episode? Track(Episode open, int session, double value)
    {
        var context = _context;

        // Sessions since the alert: the repair window counts from the session that raised it.
        var since = open.Dip.Count - open.AtAlert + 1;
        if (context.Sign * (open.Baseline - value) <= context.RepairTolerance)
        {
            // A repaired dip was a departure from the patient's level, not part of it: it stays out of the prediction.
            _alerts[open.AlertIndex] = _alerts[open.AlertIndex] with { Status = RuptureStatus.Repaired, Severity = 1, StatusSession = session };
            _filter.Update(session, value, context.CensoredAt(value));
            _taken++;
            return null;
        }

        if (since >= context.Settings.RepairWindow)
        {
            // Not repaired: the lower level is now the patient's level, so the dip joins the prediction (and a
            // chronically low level is the low-alliance rule's concern, not a string of new ruptures).
            _alerts[open.AlertIndex] = _alerts[open.AlertIndex] with { Status = RuptureStatus.Unrepaired, Severity = 3, StatusSession = session };
            foreach (var dip in open.Dip.Append(new RatedSession(session, value)))
            {
                _filter.Update(dip.Session, dip.Value, context.CensoredAt(dip.Value));
                _taken++;
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
