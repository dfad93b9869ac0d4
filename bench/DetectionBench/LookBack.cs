using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Bench.Detection;

/// <summary>
/// A diagnostic (<c>--lookback 1</c>), not a detector: how well can any detector do that judges session t only from the
/// patient's sessions before t? Each judged session (as the detector judges: from the third rating taken, not at the
/// ceiling) gets the detector's two scores from <see cref="TrendFilter"/>: the one-session standardized prediction error
/// and the two-session (pair) score against the prediction made before the previous session, each standardized by the
/// model's null. The thresholds are then picked in hindsight, as the oracle picks its own, from the oracle's grid
/// (1.0-4.0): the one-session threshold alone, or both together. Every alert counts, as for the oracle (no episode is
/// held open), and an alert inside a dip finds its episode (<see cref="Score"/>).
/// </summary>
/// <param name="dipsOut">
/// True: the injected dip sessions never enter the patient's history (the filter skips them), a look-back detector that
/// also knows which of the past sessions were dips; generous, so an upper bound. False: every rating enters the history.
/// </param>
public sealed class LookBack(double resolution, double ceiling, bool dipsOut)
{
    private static readonly double[] Grid = Oracle.Thresholds;
    private const int Off = 61;

    // Quiet (not dip) judged sessions by their threshold indices (k1, k2): how many grid thresholds each score reaches.
    private readonly long[,] _quiet = new long[Grid.Length + 1, Grid.Length + 1];
    private readonly List<(int K1, int K2)> _episodes = [];
    private int _episodeCount;
    private int _rated;
    private int _ownFound;
    private int _ownFalse;

    /// <summary>
    /// Adds one clinic, scored with <paramref name="model"/> (its null standardizes the scores); <paramref name="own"/> are
    /// that clinic's own budget thresholds, applied directly to the same scores (a check against the detector's figures).
    /// </summary>
    public void Add(Clinic clinic, PredictionModel model, Thresholds own)
    {
        var rated = clinic.Observations.Where(o => o.Alliance.HasValue).ToList();
        _rated += rated.Count;
        _episodeCount += clinic.Episodes;
        var found = new Dictionary<string, (int K1, int K2)>(StringComparer.Ordinal);
        var ownFound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var patient in rated.GroupBy(o => o.PatientId, StringComparer.Ordinal))
        {
            var filter = new TrendFilter(model, resolution);
            var taken = 0;
            (TrendFilter Before, int Session, double Value, double One)? previous = null;
            foreach (var o in patient.OrderBy(o => o.Session))
            {
                var (session, value) = (o.Session, o.Alliance!.Value);
                var dip = clinic.Dips.Contains((patient.Key, session));
                var censored = value >= ceiling;
                if (taken >= DetectorSettings.Default.MinBaselineSessions && !censored)
                {
                    var before = filter.Copy();
                    var prediction = filter.Predict(session);
                    var one = Standardize(model, (prediction.Mean - value) / prediction.Sd);
                    var pair = previous is { } p && p.One >= RuptureDetector.TwoSessionMinimum ? Pair(model, p.Before, p.Session, p.Value, session, value) : double.NegativeInfinity;
                    var (k1, k2) = (Index(one), Index(pair));
                    if (dip)
                    {
                        found[patient.Key] = found.TryGetValue(patient.Key, out var f) ? (Math.Max(f.K1, k1), Math.Max(f.K2, k2)) : (k1, k2);
                    }
                    else
                    {
                        _quiet[k1, k2]++;
                    }

                    if (one >= own.OneSession || pair >= own.TwoSessions)
                    {
                        if (dip)
                        {
                            ownFound.Add(patient.Key);
                        }
                        else
                        {
                            _ownFalse++;
                        }
                    }

                    previous = (before, session, value, one);
                }
                else
                {
                    previous = null;
                }

                if (!(dipsOut && dip))
                {
                    filter.Update(session, value, censored ? ceiling : null);
                    taken++;
                }
            }
        }

        _episodes.AddRange(found.Values);
        _ownFound += ownFound.Count;
    }

    /// <summary>The clinic's own thresholds applied to these scores (per clinic, as the detector applies them).</summary>
    public Score AtOwnThresholds => new(_episodeCount, _ownFound, _ownFalse, _rated);

    /// <summary>The best score over the grid: one-session threshold only (<paramref name="pairs"/> false) or both; at most <paramref name="budget"/> false alerts per 100 sessions if given.</summary>
    public (Score Score, double One, double Two) Best(bool pairs, double? budget = null)
    {
        // Cumulative counts of quiet sessions with k1 <= a and k2 <= b: those that raise no alert at thresholds (a, b).
        var n = Grid.Length + 1;
        var silent = new long[n, n];
        long all = 0;
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                all += _quiet[a, b];
                silent[a, b] = _quiet[a, b] + (a > 0 ? silent[a - 1, b] : 0) + (b > 0 ? silent[a, b - 1] : 0) - (a > 0 && b > 0 ? silent[a - 1, b - 1] : 0);
            }
        }

        (Score Score, double One, double Two) best = (new Score(_episodeCount, 0, 0, _rated), double.NaN, double.NaN);
        for (var a = 0; a < Grid.Length; a++)
        {
            for (var b = pairs ? 0 : Off; b <= Off; b++)
            {
                // Alert when k1 > a (one-session score reached grid[a]) or k2 > b (pair score reached grid[b]; b = Off: never).
                var found = _episodes.Count(e => e.K1 > a || e.K2 > b);
                var score = new Score(_episodeCount, found, (int)(all - silent[a, b]), _rated);
                if ((budget is null || score.FalsePer100Sessions <= budget) && score.F1 > best.Score.F1)
                {
                    best = (score, Grid[a], b == Off ? double.PositiveInfinity : Grid[b]);
                }
            }
        }

        return best;
    }

    private static double Standardize(PredictionModel model, double z) => (z - model.NullCenter) / model.NullScale;

    /// <summary>The detector's two-session score (DetectorLoop.TwoLow): both drops against the prediction before the first.</summary>
    private static double Pair(PredictionModel model, TrendFilter before, int firstSession, double firstValue, int session, double value)
    {
        var (first, second, covariance) = before.PredictPair(firstSession, session);
        var drop1 = first.Mean - firstValue;
        var drop2 = second.Mean - value;
        if (Standardize(model, drop1 / first.Sd) < RuptureDetector.TwoSessionMinimum || Standardize(model, drop2 / second.Sd) < RuptureDetector.TwoSessionMinimum)
        {
            return double.NegativeInfinity;
        }

        return Standardize(model, (drop1 + drop2) / Math.Sqrt((first.Sd * first.Sd) + (second.Sd * second.Sd) + (2 * covariance)));
    }

    /// <summary>How many grid thresholds the score reaches (0-61): an alert at grid[a] when the index exceeds a.</summary>
    private static int Index(double z)
    {
        var k = 0;
        while (k < Grid.Length && z >= Grid[k])
        {
            k++;
        }

        return k;
    }
}
