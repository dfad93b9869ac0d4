using System.Runtime.CompilerServices;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// Refines the moment estimates of the prediction model by a robust prediction-error likelihood: the filter's
/// one-step errors enter through Huber's loss (quadratic up to 2 SDs, linear beyond) plus the log of their SD; a drop
/// beyond 2.5 SDs gets a capped loss and stays out of the filter (a possible rupture); a rating at the maximum enters through the log probability of being at least there (Tobit).
/// Short detrended series bias the moment estimates of the AR(1) coefficient, the slope spread and the noise SD; the
/// likelihood of the whole filter does not carry that bias. Coordinate search over small grids keeps it deterministic
/// and fast (about 40 passes over at most 1,000 patients).
/// </summary>
internal static class QuasiLikelihood
{
    private const double HuberK = 2.0;
    private const int MaxPatients = 1000;

    /// <summary>Drops beyond this many prediction SDs are treated as possible ruptures (a normal session goes there 0.6% of the time).</summary>
    internal const double DipCap = 2.5;

    private static double Huber(double z) => z <= HuberK ? 0.5 * z * z : (HuberK * z) - (0.5 * HuberK * HuberK);

    /// <param name="ratings">The clinic's ratings.</param>
    /// <param name="patients">The patients (indices into <paramref name="ratings"/>) the sample is drawn from, in order.</param>
    public static PredictionModel Refine(PredictionModel start, PackedRatings ratings, int[] patients, double resolution, double ceiling)
    {
        // Every k-th patient: deterministic, and spread over the clinic's whole list.
        var step = Math.Max(1, (patients.Length + MaxPatients - 1) / MaxPatients);
        var sample = patients.Where((_, i) => i % step == 0).ToArray();
        double Loss(PredictionModel m) => Evaluate(m, ratings, sample, resolution, ceiling);

        var best = start;
        var bestLoss = Loss(best);
        for (var round = 0; round < 2; round++)
        {
            foreach (var phi in new[] { 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6 })
            {
                Try(best with { Phi = phi });
            }

            foreach (var ratio in new[] { 0.02, 0.04, 0.06, 0.09, 0.13, 0.18 })
            {
                Try(best with { SlopeSd = ratio * best.NoiseSd });
            }

            foreach (var factor in new[] { 0.8, 0.88, 0.94, 1.06, 1.12 })
            {
                Try(best with { NoiseSd = best.NoiseSd * factor });
            }

            foreach (var factor in new[] { 0.8, 1.25 })
            {
                Try(best with { LevelSd = best.LevelSd * factor });
            }
        }

        return best;

        void Try(PredictionModel candidate)
        {
            var loss = Loss(candidate);
            if (loss < bestLoss)
            {
                (best, bestLoss) = (candidate, loss);
            }
        }
    }

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Evaluate(PredictionModel model, PackedRatings ratings, int[] patients, double resolution, double ceiling)
    {
        var total = 0.0;
        foreach (var patient in patients)
        {
            var filter = new TrendFilter(model, resolution);
            var first = ratings.Start(patient);
            for (var i = 0; i < ratings.Count(patient); i++)
            {
                var (session, value) = (ratings.Sessions[first + i], ratings.Values[first + i]);
                var censored = value >= ceiling;
                if (i > 0)
                {
                    var prediction = filter.Predict(session);
                    if (censored)
                    {
                        total -= Math.Log(Math.Max(1e-300, StandardNormal.UpperTail((ceiling - prediction.Mean) / prediction.Sd)));
                    }
                    else
                    {
                        var drop = (prediction.Mean - value) / prediction.Sd;
                        if (drop > DipCap)
                        {
                            // A deep drop counts as a capped loss and stays out of the filter, as the detector keeps a
                            // rupture out of the prediction: otherwise each dip inflates the scale twice, at the dip and
                            // at the rebound after it.
                            total += Huber(DipCap) + Math.Log(prediction.Sd);
                            continue;
                        }

                        total += Huber(Math.Abs(drop)) + Math.Log(prediction.Sd);
                    }
                }

                filter.Update(session, value, censored ? ceiling : null);
            }
        }

        return total;
    }
}
