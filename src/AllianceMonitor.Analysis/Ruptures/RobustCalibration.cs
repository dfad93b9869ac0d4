using System.Runtime.CompilerServices;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// Fits the <see cref="PredictionModel"/> on a clinic's ratings so that the ruptures it should find and the patients'
/// own trends do not inflate the within-patient scale (issue 11: the null model's within SD was 0.29-0.31 where the
/// truth was 0.25). Each patient's trend is removed with a Huber line (least squares that downweights a dip or
/// two), the scale is the median absolute residual (1.4826 x MAD), and patients with ratings at the scale
/// maximum are left out of the scale because their residuals are censored. The AR(1) coefficient is the lag-1
/// correlation of residuals clipped at 2.5 SDs. Both carry the downward bias of residuals from short detrended series,
/// corrected with the usual large-sample formulas (the correction is reported in bench/README.md).
/// </summary>
public static class RobustCalibration
{
    /// <summary>Patients need this many rated sessions to contribute a trend line.</summary>
    public const int MinTrendSessions = 4;

    public static PredictionModel Fit(IReadOnlyList<IReadOnlyList<RatedSession>> patients, InstrumentDefinition instrument, DetectorSettings settings) =>
        Fit(PackedRatings.From(patients), instrument, settings);

    /// <summary>
    /// As <see cref="Fit(IReadOnlyList{IReadOnlyList{RatedSession}}, InstrumentDefinition, DetectorSettings)"/> on packed
    /// ratings, the same bit for bit: the per-patient lines run over both cores into one residual buffer, and every
    /// sum, average and median then takes its values in the patients' order, as before.
    /// </summary>
    internal static PredictionModel Fit(PackedRatings patients, InstrumentDefinition instrument, DetectorSettings settings)
    {
        var resolution = Resolution(instrument);
        var ceiling = instrument.TotalMax - (resolution / 2);
        var lines = TrendLines.Eligible(patients);
        if (lines.Count == 0)
        {
            throw new ArgumentException("No patient has enough rated sessions for a trend line.", nameof(patients));
        }

        // First pass with plain least squares (no clipping) gives the scale the Huber pass clips at. Its residuals are
        // only needed for their median, so it takes it in place; the Huber pass then overwrites them.
        lines.Fit(double.PositiveInfinity);
        var firstSd = Math.Max(1.4826 * Median(lines.AbsoluteResidualsInPlace()), resolution);
        lines.Fit(1.5 * firstSd);

        var uncensored = new List<int>(lines.Count);
        for (var l = 0; l < lines.Count; l++)
        {
            if (lines.BelowCeiling(l, ceiling))
            {
                uncensored.Add(l);
            }
        }

        var scaleLines = uncensored.Count >= 10 ? uncensored : Enumerable.Range(0, lines.Count).ToList();
        var scratch = new double[lines.Residuals.Length];
        var filled = 0;
        foreach (var l in scaleLines)
        {
            foreach (var r in lines.ResidualsOf(l))
            {
                scratch[filled++] = Math.Abs(r);
            }
        }

        var rawSd = 1.4826 * Median(scratch.AsSpan(0, filled));
        rawSd = Math.Max(rawSd, resolution);

        var clip = 2.5 * rawSd;
        double products = 0;
        double squares = 0;
        double lengths = 0;
        foreach (var l in scaleLines)
        {
            var residuals = lines.ResidualsOf(l);
            var sessions = lines.SessionsOf(l);
            for (var i = 0; i < residuals.Length; i++)
            {
                var r = Math.Clamp(residuals[i], -clip, clip);
                squares += r * r;
                if (i > 0 && sessions[i] == sessions[i - 1] + 1)
                {
                    products += r * Math.Clamp(residuals[i - 1], -clip, clip);
                }
            }

            lengths += residuals.Length;
        }

        // Residuals of a fitted line over n sessions: lag-1 correlation biased down by about (2 + 4 phi) / n and variance
        // shrunk by about 2 (1 + phi) / ((1 - phi) n) (two fitted parameters on an AR(1) series).
        var n = lengths / scaleLines.Count;
        var rho = squares > 0 ? products / squares : 0;
        var phi = Math.Clamp((rho + (2 / n)) / (1 - (4 / n)), 0, 0.8);
        var inflation = 1 - (2 * (1 + phi) / ((1 - phi) * n));
        var noiseSd = rawSd / Math.Sqrt(Math.Max(0.5, inflation));

        // Between-patient spread of slopes and levels: robust spread of the per-patient estimates minus their own
        // sampling variance (AR(1) noise inflates it by (1 + phi) / (1 - phi)). Sums in the patients' order, as
        // Enumerable.Average takes them.
        var ar = (1 + phi) / (1 - phi);
        var noiseVariance = noiseSd * noiseSd;
        double slopeSum = 0, levelSum = 0;
        for (var l = 0; l < lines.Count; l++)
        {
            slopeSum += ar * noiseVariance / lines.Sxx[l];
            levelSum += ar * noiseVariance * ((1.0 / lines.Length(l)) + (lines.MeanTime[l] * lines.MeanTime[l] / lines.Sxx[l]));
        }

        var spread = new double[lines.Count];
        var slopeSampling = slopeSum / lines.Count;
        var slopeSd = Math.Sqrt(Math.Max(Spread(lines.Slope, spread) - slopeSampling, Math.Pow(0.02 * noiseSd, 2)));
        var levelSampling = levelSum / lines.Count;
        var levelSd = Math.Sqrt(Math.Max(Spread(lines.Level, spread) - levelSampling, Math.Pow(0.2 * noiseSd, 2)));

        var start = new PredictionModel(
            PredictionModel.RobustMethod, noiseSd, phi, MedianOfCopy(lines.Level, spread), levelSd, MedianOfCopy(lines.Slope, spread), slopeSd, 0, 1, 1);
        var model = QuasiLikelihood.Refine(start, patients, lines.Patients, resolution, ceiling);
        return WithNull(model, patients, instrument, settings, scratch);
    }

    /// <summary>
    /// Runs the filter over every patient and measures the clinic's standardized one-step prediction errors at the
    /// sessions the detector judges: a normal fitted to their lower quantiles becomes the null distribution the thresholds
/// are set on.
    /// </summary>
    public static PredictionModel WithNull(PredictionModel model, IReadOnlyList<IReadOnlyList<RatedSession>> patients, InstrumentDefinition instrument, DetectorSettings settings) =>
        WithNull(model, PackedRatings.From(patients), instrument, settings, null);

    /// <param name="buffer">Room for one error per rating, or null: the caller's spent scratch, reused.</param>
    private static PredictionModel WithNull(
        PredictionModel model, PackedRatings patients, InstrumentDefinition instrument, DetectorSettings settings, double[]? buffer)
    {
        var resolution = Resolution(instrument);
        var ceiling = instrument.TotalMax - (resolution / 2);
        var total = patients.Ratings;
        var errors = buffer is not null && buffer.Length >= total ? buffer : new double[total];
        var values = patients.Values;

        // Each patient's filter on its own: the errors land at their ratings' positions, in parallel, and are then
        // gathered in the patients' order (as the sequential loop appended them), so the sort sees the same input.
        ParallelRanges(patients.Patients, (from, to) =>
        {
            for (var p = from; p < to; p++)
            {
                var filter = new TrendFilter(model, resolution);
                var first = patients.Start(p);
                for (var i = 0; i < patients.Count(p); i++)
                {
                    var (session, value) = (patients.Sessions[first + i], values[first + i]);
                    var censored = value >= ceiling;
                    if (i >= settings.MinBaselineSessions && !censored)
                    {
                        var prediction = filter.Predict(session);
                        var error = (prediction.Mean - value) / prediction.Sd;
                        errors[first + i] = error;
                        if (error > QuasiLikelihood.DipCap)
                        {
                            // As in the detector, a deep drop stays out of the prediction of the sessions after it.
                            continue;
                        }
                    }

                    filter.Update(session, value, censored ? ceiling : null);
                }
            }
        });

        var count = 0;
        for (var p = 0; p < patients.Patients; p++)
        {
            for (int i = 0, k = patients.Start(p); k < patients.End(p); i++, k++)
            {
                if (i >= settings.MinBaselineSessions && !(values[k] >= ceiling))
                {
                    errors[count++] = errors[k];
                }
            }
        }

        if (count < 20)
        {
            return model;
        }

        // Centre and scale from the lower 40% only (ratings at or above their prediction): ruptures push errors up,
        // never down, so a normal fitted to these quantiles (least squares of the quantiles on the normal scores) is
        // hardly moved by them, where a median and MAD over all errors would be.
        Array.Sort(errors, 0, count);
        var points = Enumerable.Range(1, 8).Select(i => 0.05 * i)
            .Select(p => (Score: -StandardNormal.UpperQuantile(p), Value: errors[(int)Math.Round(p * (count - 1))])).ToList();
        var meanScore = points.Average(x => x.Score);
        var meanValue = points.Average(x => x.Value);
        var scale = points.Sum(x => (x.Score - meanScore) * (x.Value - meanValue)) / points.Sum(x => (x.Score - meanScore) * (x.Score - meanScore));
        var center = meanValue - (scale * meanScore);
        return model with { NullCenter = center, NullScale = Math.Max(scale, 0.5), JudgedShare = count / (double)total };
    }

    /// <summary>The rounding step of a total: 1/12 for the WAI-SR item mean, the item step for sums.</summary>
    public static double Resolution(InstrumentDefinition instrument) =>
        instrument.Aggregation == Aggregation.Mean ? instrument.ItemStep / Math.Max(1, instrument.ItemCount) : instrument.ItemStep;

    /// <summary>Runs <paramref name="body"/> over [0, count) in ranges, on both cores when the work is worth it.</summary>
    internal static void ParallelRanges(int count, Action<int, int> body)
    {
        const int Range = 2048;
        if (count <= Range)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, (count + Range - 1) / Range, r => body(r * Range, Math.Min(count, (r + 1) * Range)));
    }

    /// <summary>Squared 1.4826 x MAD of <paramref name="values"/> (left as they are), with <paramref name="scratch"/> as working room.</summary>
    private static double Spread(double[] values, double[] scratch)
    {
        var center = MedianOfCopy(values, scratch);
        for (var i = 0; i < values.Length; i++)
        {
            scratch[i] = Math.Abs(values[i] - center);
        }

        var sd = 1.4826 * Median(scratch.AsSpan(0, values.Length));
        return sd * sd;
    }

    private static double MedianOfCopy(double[] values, double[] scratch)
    {
        values.CopyTo(scratch, 0);
        return Median(scratch.AsSpan(0, values.Length));
    }

    /// <summary>
    /// The median by selection (Hoare's quickselect, rearranging <paramref name="items"/> in place), not a full sort:
    /// linear on the million residuals of a large clinic. It picks the same order statistics a sort would, so the value
    /// is the sorted median exactly.
    /// </summary>
    private static double Median(Span<double> items)
    {
        if (items.Length == 0)
        {
            return 0;
        }

        var mid = items.Length / 2;
        var upper = Select(items, mid);
        if (items.Length % 2 == 1)
        {
            return upper;
        }

        // After selecting position mid, everything before it is at most items[mid]: the lower middle is their maximum.
        var lower = items[0];
        for (var i = 1; i < mid; i++)
        {
            lower = Math.Max(lower, items[i]);
        }

        return (lower + upper) / 2;
    }

    /// <summary>Rearranges <paramref name="items"/> so that position <paramref name="k"/> holds the value a sort would put there.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Select(Span<double> items, int k)
    {
        int left = 0, right = items.Length - 1;
        while (left < right)
        {
            var pivot = items[left + ((right - left) / 2)];
            int i = left, j = right;
            while (i <= j)
            {
                while (items[i] < pivot)
                {
                    i++;
                }

                while (items[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (items[i], items[j]) = (items[j], items[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }

        return items[k];
    }
}
