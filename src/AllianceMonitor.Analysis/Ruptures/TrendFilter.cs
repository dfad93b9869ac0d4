using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>A predictive distribution of one rating: mean and SD of the latent (uncensored) value.</summary>
public readonly record struct Prediction(double Mean, double Sd);

/// <summary>
/// A Kalman filter over one patient's ratings with state (level at session 1, slope per session, AR(1) deviation) and
/// the clinic's <see cref="PredictionModel"/> as its prior. Exact for the linear-Gaussian model; a rating at the scale
/// maximum is treated as censored (the latent value is at least the maximum) with a moment-matched truncated-normal
/// update (a Tobit step), so a patient who keeps rating 5 is believed to be at 5 or above, not at exactly 5.
/// Pure and cheap: a 3 x 3 state, a few dozen multiplications per session.
/// </summary>
public sealed class TrendFilter
{
    private readonly double _phi;
    private readonly double _noiseVariance;
    private readonly double _ratingVariance;
    private readonly double[] _x = new double[3];
    private readonly double[] _p = new double[9];
    private int? _last;

    /// <param name="resolution">The rating's rounding step: its variance (step² / 12) is the measurement error.</param>
    public TrendFilter(PredictionModel model, double resolution)
    {
        _phi = model.Phi;
        _noiseVariance = model.NoiseSd * model.NoiseSd;
        _ratingVariance = resolution * resolution / 12;
        _x[0] = model.LevelMean;
        _x[1] = model.SlopeMean;
        _p[0] = model.LevelSd * model.LevelSd;
        _p[4] = model.SlopeSd * model.SlopeSd;
        _p[8] = _noiseVariance;
    }

    private TrendFilter(TrendFilter other)
    {
        _phi = other._phi;
        _noiseVariance = other._noiseVariance;
        _ratingVariance = other._ratingVariance;
        other._x.CopyTo(_x, 0);
        other._p.CopyTo(_p, 0);
        _last = other._last;
    }

    public TrendFilter Copy() => new(this);

    /// <summary>The filter's state, to carry to the next session without replaying the ones before.</summary>
    public FilterState Save() => new(_x.ToArray(), _p.ToArray(), _last);

    /// <summary>A filter of this model in the <paramref name="state"/> <see cref="Save"/> returned: it predicts bit for bit as the saved one did.</summary>
    public static TrendFilter Restore(PredictionModel model, double resolution, FilterState state)
    {
        var filter = new TrendFilter(model, resolution);
        if (state.X.Count != 3 || state.P.Count != 9)
        {
            throw new ArgumentException("A filter state has 3 means and 9 covariances.", nameof(state));
        }

        for (var i = 0; i < 3; i++)
        {
            filter._x[i] = state.X[i];
        }

        for (var i = 0; i < 9; i++)
        {
            filter._p[i] = state.P[i];
        }

        filter._last = state.Last;
        return filter;
    }

    /// <summary>The distribution of the rating at <paramref name="session"/> given every rating taken in so far.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Prediction Predict(int session)
    {
        Span<double> x = stackalloc double[3];
        Span<double> p = stackalloc double[9];
        Propagate(session, x, p);
        var (mean, variance) = Observe(session, x, p);
        return new Prediction(mean, Math.Sqrt(variance));
    }

    /// <summary>
    /// The joint distribution of the ratings at two later sessions (first, second) given the ratings so far:
    /// both means, both SDs and their covariance. The two-session rule judges a pair of low ratings against it.
    /// </summary>
    public (Prediction First, Prediction Second, double Covariance) PredictPair(int first, int second)
    {
        var ahead = Copy();
        Span<double> x = stackalloc double[3];
        Span<double> p = stackalloc double[9];
        Propagate(first, x, p);
        var t1 = first - 1.0;
        var (m1, v1) = Observe(first, x, p);
        // P H1' carried to the second session: the AR part decays by phi^gap, level and slope stay.
        var decay = Math.Pow(_phi, second - first);
        Span<double> ph = stackalloc double[3];
        for (var i = 0; i < 3; i++)
        {
            ph[i] = p[(i * 3) + 0] + (p[(i * 3) + 1] * t1) + p[(i * 3) + 2];
        }

        var covariance = ph[0] + ((second - 1.0) * ph[1]) + (decay * ph[2]);
        ahead.Commit(first, x, p);
        var secondPrediction = ahead.Predict(second);
        return (new Prediction(m1, Math.Sqrt(v1)), secondPrediction, covariance);
    }

    /// <summary>Takes in the rating at <paramref name="session"/>; <paramref name="censoredAt"/> non-null means "at least this value".</summary>
    public void Update(int session, double value, double? censoredAt)
    {
        Span<double> x = stackalloc double[3];
        Span<double> p = stackalloc double[9];
        Propagate(session, x, p);
        var t = session - 1.0;
        var (mean, variance) = Observe(session, x, p);
        Span<double> gain = stackalloc double[3];
        for (var i = 0; i < 3; i++)
        {
            gain[i] = (p[(i * 3) + 0] + (p[(i * 3) + 1] * t) + p[(i * 3) + 2]) / variance;
        }

        double innovation;
        double shrink;
        if (censoredAt is { } bound)
        {
            // Moment matching: the latent rating given that it is at least the bound is a truncated normal.
            var sd = Math.Sqrt(variance);
            var (tMean, tVariance) = StandardNormal.TruncatedBelow((bound - mean) / sd);
            innovation = tMean * sd;
            shrink = variance * (1 - tVariance);
        }
        else
        {
            innovation = value - mean;
            shrink = variance;
        }

        for (var i = 0; i < 3; i++)
        {
            x[i] += gain[i] * innovation;
            for (var j = 0; j < 3; j++)
            {
                p[(i * 3) + j] -= gain[i] * gain[j] * shrink;
            }
        }

        Commit(session, x, p);
    }

    private void Commit(int session, ReadOnlySpan<double> x, ReadOnlySpan<double> p)
    {
        x.CopyTo(_x);
        p.CopyTo(_p);
        _last = session;
    }

    /// <summary>The state carried from the last rating taken in to <paramref name="session"/>.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Propagate(int session, Span<double> x, Span<double> p)
    {
        _x.CopyTo(x);
        _p.CopyTo(p);
        if (_last is not { } last)
        {
            return;
        }

        var decay = Math.Pow(_phi, Math.Max(1, session - last));
        x[2] *= decay;
        for (var i = 0; i < 3; i++)
        {
            p[(i * 3) + 2] *= decay;
            p[6 + i] *= decay;
        }

        p[8] += _noiseVariance * (1 - (decay * decay));
    }

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (double Mean, double Variance) Observe(int session, ReadOnlySpan<double> x, ReadOnlySpan<double> p)
    {
        var t = session - 1.0;
        var mean = x[0] + (t * x[1]) + x[2];
        var variance = _ratingVariance;
        Span<double> h = [1, t, 1];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                variance += h[i] * p[(i * 3) + j] * h[j];
            }
        }

        return (mean, variance);
    }
}
