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

    public static PredictionModel Fit(IReadOnlyList<IReadOnlyList<RatedSession>> patients, InstrumentDefinition instrument, DetectorSettings settings)
    {
        var resolution = Resolution(instrument);
        var ceiling = instrument.TotalMax - (resolution / 2);
        var eligible = patients.Where(p => p.Count >= MinTrendSessions).ToList();
        if (eligible.Count == 0)
        {
            throw new ArgumentException("No patient has enough rated sessions for a trend line.", nameof(patients));
        }

        // First pass with plain least squares (no clipping) gives the scale the Huber pass clips at.
        // Only its residuals are kept (one array for the clinic), not a line per patient.
        var firstSd = Math.Max(1.4826 * Median(eligible.SelectMany(p => Line(p, double.PositiveInfinity).Residuals.Select(Math.Abs))), resolution);
        var lines = eligible.Select(p => Line(p, 1.5 * firstSd)).ToList();

        var uncensored = lines.Where(l => l.Patient.All(s => s.Value < ceiling)).ToList();
        var scaleLines = uncensored.Count >= 10 ? uncensored : lines;
        var rawSd = 1.4826 * Median(scaleLines.SelectMany(l => l.Residuals.Select(Math.Abs)));
        rawSd = Math.Max(rawSd, resolution);

        var clip = 2.5 * rawSd;
        double products = 0;
        double squares = 0;
        foreach (var line in scaleLines)
        {
            for (var i = 0; i < line.Residuals.Length; i++)
            {
                var r = Math.Clamp(line.Residuals[i], -clip, clip);
                squares += r * r;
                if (i > 0 && line.Patient[i].Session == line.Patient[i - 1].Session + 1)
                {
                    products += r * Math.Clamp(line.Residuals[i - 1], -clip, clip);
                }
            }
        }

        // Residuals of a fitted line over n sessions: lag-1 correlation biased down by about (2 + 4 phi) / n and variance
        // shrunk by about 2 (1 + phi) / ((1 - phi) n) (two fitted parameters on an AR(1) series).
        var n = scaleLines.Average(l => (double)l.Residuals.Length);
        var rho = squares > 0 ? products / squares : 0;
        var phi = Math.Clamp((rho + (2 / n)) / (1 - (4 / n)), 0, 0.8);
        var inflation = 1 - (2 * (1 + phi) / ((1 - phi) * n));
        var noiseSd = rawSd / Math.Sqrt(Math.Max(0.5, inflation));

        // Between-patient spread of slopes and levels: robust spread of the per-patient estimates minus their own
        // sampling variance (AR(1) noise inflates it by (1 + phi) / (1 - phi)).
        var ar = (1 + phi) / (1 - phi);
        var noiseVariance = noiseSd * noiseSd;
        var slopes = lines.Select(l => l.Slope).ToList();
        var slopeSampling = lines.Average(l => ar * noiseVariance / l.Sxx);
        var slopeSd = Math.Sqrt(Math.Max(Spread(slopes) - slopeSampling, Math.Pow(0.02 * noiseSd, 2)));
        var levels = lines.Select(l => l.Level).ToList();
        var levelSampling = lines.Average(l => ar * noiseVariance * ((1.0 / l.Residuals.Length) + (l.MeanTime * l.MeanTime / l.Sxx)));
        var levelSd = Math.Sqrt(Math.Max(Spread(levels) - levelSampling, Math.Pow(0.2 * noiseSd, 2)));

        var start = new PredictionModel(PredictionModel.RobustMethod, noiseSd, phi, Median(levels), levelSd, Median(slopes), slopeSd, 0, 1, 1);
        var model = QuasiLikelihood.Refine(start, eligible, resolution, ceiling);
        return WithNull(model, patients, instrument, settings);
    }

    /// <summary>
    /// Runs the filter over every patient and measures the clinic's standardized one-step prediction errors at the
    /// sessions the detector judges: a normal fitted to their lower quantiles becomes the null distribution the thresholds
/// are set on.
    /// </summary>
    public static PredictionModel WithNull(PredictionModel model, IReadOnlyList<IReadOnlyList<RatedSession>> patients, InstrumentDefinition instrument, DetectorSettings settings)
    {
        var resolution = Resolution(instrument);
        var ceiling = instrument.TotalMax - (resolution / 2);
        var errors = new List<double>();
        var total = 0;
        foreach (var patient in patients)
        {
            var filter = new TrendFilter(model, resolution);
            for (var i = 0; i < patient.Count; i++)
            {
                var (session, value) = patient[i];
                total++;
                var censored = value >= ceiling;
                if (i >= settings.MinBaselineSessions && !censored)
                {
                    var prediction = filter.Predict(session);
                    var error = (prediction.Mean - value) / prediction.Sd;
                    errors.Add(error);
                    if (error > QuasiLikelihood.DipCap)
                    {
                        // As in the detector, a deep drop stays out of the prediction of the sessions after it.
                        continue;
                    }
                }

                filter.Update(session, value, censored ? ceiling : null);
            }
        }

        if (errors.Count < 20)
        {
            return model;
        }

        // Centre and scale from the lower 40% only (ratings at or above their prediction): ruptures push errors up,
        // never down, so a normal fitted to these quantiles (least squares of the quantiles on the normal scores) is
        // hardly moved by them, where a median and MAD over all errors would be.
        var sorted = errors.ToArray();
        Array.Sort(sorted);
        var points = Enumerable.Range(1, 8).Select(i => 0.05 * i)
            .Select(p => (Score: -StandardNormal.UpperQuantile(p), Value: sorted[(int)Math.Round(p * (sorted.Length - 1))])).ToList();
        var meanScore = points.Average(x => x.Score);
        var meanValue = points.Average(x => x.Value);
        var scale = points.Sum(x => (x.Score - meanScore) * (x.Value - meanValue)) / points.Sum(x => (x.Score - meanScore) * (x.Score - meanScore));
        var center = meanValue - (scale * meanScore);
        return model with { NullCenter = center, NullScale = Math.Max(scale, 0.5), JudgedShare = errors.Count / (double)total };
    }

    /// <summary>The rounding step of a total: 1/12 for the WAI-SR item mean, the item step for sums.</summary>
    public static double Resolution(InstrumentDefinition instrument) =>
        instrument.Aggregation == Aggregation.Mean ? instrument.ItemStep / Math.Max(1, instrument.ItemCount) : instrument.ItemStep;

    private sealed record TrendLine(IReadOnlyList<RatedSession> Patient, double Slope, double Level, double[] Residuals, double Sxx, double MeanTime);

    /// <summary>
    /// A Huber line through one patient's ratings (iteratively reweighted least squares, residuals beyond
    /// <paramref name="clip"/> downweighted), so one or two dip sessions barely move the level or the slope. Rounded
    /// ratings tie often, which collapses rank-based slopes (Theil-Sen) to zero; least squares with bounded influence does not.
    /// </summary>
    private static TrendLine Line(IReadOnlyList<RatedSession> patient, double clip)
    {
        // Working copies on the stack for the usual series (a large clinic fits 100,000 of these lines); the weights
        // array outlives the fit as the residuals.
        var count = patient.Count;
        Span<int> sessions = count <= 256 ? stackalloc int[count] : new int[count];
        Span<double> values = count <= 256 ? stackalloc double[count] : new double[count];
        var weights = new double[count];
        for (var i = 0; i < count; i++)
        {
            (sessions[i], values[i]) = patient[i];
            weights[i] = 1;
        }

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

        // The weights are spent: their array holds the residuals from here on.
        var residuals = weights;
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

        return new TrendLine(patient, slope, level, residuals, sxx, meanTime);
    }

    private static double Spread(IEnumerable<double> values)
    {
        var list = values.ToList();
        var center = Median(list);
        var sd = 1.4826 * Median(list.Select(v => Math.Abs(v - center)));
        return sd * sd;
    }

    /// <summary>
    /// The median by selection (Hoare's quickselect on a copy), not a full sort: linear on the million residuals of a
    /// large clinic. It picks the same order statistics a sort would, so the value is the sorted median exactly.
    /// </summary>
    private static double Median(IEnumerable<double> values)
    {
        var items = values.ToArray();
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
    private static double Select(double[] items, int k)
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
