using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// The per-patient trend lines of <see cref="RobustCalibration"/>, for the patients with at least
/// <see cref="RobustCalibration.MinTrendSessions"/> sessions: one residual buffer for all of them (a patient's residuals
/// at its own range, in the patients' order) and a slope, level, Sxx and mean time each, in flat arrays. A refit of a
/// million ratings used to allocate a line record and a residual array per patient and pass, and a list of every
/// residual per median (issue 15).
/// </summary>
internal sealed class TrendLines
{
    private readonly PackedRatings _ratings;
    private readonly int[] _offsets;

    private TrendLines(PackedRatings ratings, int[] patients)
    {
        _ratings = ratings;
        Patients = patients;
        _offsets = new int[patients.Length + 1];
        for (var l = 0; l < patients.Length; l++)
        {
            _offsets[l + 1] = _offsets[l] + ratings.Count(patients[l]);
        }

        Residuals = new double[_offsets[^1]];
        Slope = new double[patients.Length];
        Level = new double[patients.Length];
        Sxx = new double[patients.Length];
        MeanTime = new double[patients.Length];
    }

    /// <summary>Indices of the patients with a line, in the order of the ratings.</summary>
    public int[] Patients { get; }

    /// <summary>Every line's residuals after the last <see cref="Fit"/>, line after line.</summary>
    public double[] Residuals { get; }

    public double[] Slope { get; }

    public double[] Level { get; }

    public double[] Sxx { get; }

    public double[] MeanTime { get; }

    public int Count => Patients.Length;

    /// <summary>Room for the lines of the patients with enough sessions; nothing fitted yet.</summary>
    public static TrendLines Eligible(PackedRatings ratings)
    {
        var patients = new List<int>();
        for (var p = 0; p < ratings.Patients; p++)
        {
            if (ratings.Count(p) >= RobustCalibration.MinTrendSessions)
            {
                patients.Add(p);
            }
        }

        return new TrendLines(ratings, [.. patients]);
    }

    public int Length(int line) => _offsets[line + 1] - _offsets[line];

    public ReadOnlySpan<double> ResidualsOf(int line) => Residuals.AsSpan(_offsets[line], Length(line));

    public ReadOnlySpan<int> SessionsOf(int line) => _ratings.Sessions.AsSpan(_ratings.Start(Patients[line]), Length(line));

    /// <summary>Whether every rating of the line's patient is below <paramref name="ceiling"/> (none censored).</summary>
    public bool BelowCeiling(int line, double ceiling)
    {
        foreach (var value in _ratings.Values.AsSpan(_ratings.Start(Patients[line]), Length(line)))
        {
            if (!(value < ceiling))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Replaces the residuals by their absolute values and returns them all, for a median taken in place.</summary>
    public Span<double> AbsoluteResidualsInPlace()
    {
        for (var i = 0; i < Residuals.Length; i++)
        {
            Residuals[i] = Math.Abs(Residuals[i]);
        }

        return Residuals;
    }

    /// <summary>Fits every line with residuals beyond <paramref name="clip"/> downweighted, the patients spread over both cores.</summary>
    public void Fit(double clip) => RobustCalibration.ParallelRanges(Count, (from, to) =>
    {
        for (var l = from; l < to; l++)
        {
            var start = _ratings.Start(Patients[l]);
            var length = Length(l);
            (Slope[l], Level[l], Sxx[l], MeanTime[l]) = Line(
                _ratings.Sessions.AsSpan(start, length), _ratings.Values.AsSpan(start, length), clip, Residuals.AsSpan(_offsets[l], length));
        }
    });

    /// <summary>
    /// A Huber line through one patient's ratings (iteratively reweighted least squares, residuals beyond
    /// <paramref name="clip"/> downweighted), so one or two dip sessions barely move the level or the slope. Rounded
    /// ratings tie often, which collapses rank-based slopes (Theil-Sen) to zero; least squares with bounded influence does not.
    /// </summary>
    /// <param name="residuals">The patient's range of the residual buffer: the weights while fitting, the residuals after.</param>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double Slope, double Level, double Sxx, double MeanTime) Line(
        ReadOnlySpan<int> sessions, ReadOnlySpan<double> values, double clip, Span<double> residuals)
    {
        var count = sessions.Length;
        var weights = residuals;
        weights.Fill(1);
        double level = 0, slope = 0;
        for (var iteration = 0; iteration < 6; iteration++)
        {
            double sw = 0, st = 0, sy = 0, stt = 0, sty = 0;
            for (var i = 0; i < count; i++)
            {
                var t = sessions[i] - 1.0;
                sw += weights[i];
                st += weights[i] * t;
                sy += weights[i] * values[i];
                stt += weights[i] * t * t;
                sty += weights[i] * t * values[i];
            }

            var denominator = (sw * stt) - (st * st);
            slope = denominator > 1e-12 ? ((sw * sty) - (st * sy)) / denominator : 0;
            level = (sy - (slope * st)) / sw;
            for (var i = 0; i < count; i++)
            {
                var r = Math.Abs(values[i] - level - (slope * (sessions[i] - 1)));
                weights[i] = r <= clip ? 1 : clip / r;
            }
        }

        // The weights are spent: their range holds the residuals from here on.
        double timeSum = 0;
        for (var i = 0; i < count; i++)
        {
            residuals[i] = values[i] - level - (slope * (sessions[i] - 1));
            timeSum += sessions[i] - 1.0;
        }

        var meanTime = timeSum / count;
        double sxx = 0;
        for (var i = 0; i < count; i++)
        {
            sxx += (sessions[i] - 1.0 - meanTime) * (sessions[i] - 1.0 - meanTime);
        }

        return (slope, level, sxx, meanTime);
    }
}
