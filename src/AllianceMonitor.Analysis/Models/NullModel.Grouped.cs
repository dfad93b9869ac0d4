using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>The null model's REML fit from per-patient sums (<see cref="NullModel.FitGrouped"/>).</summary>
/// <param name="GrandMean">The intercept (GLS estimate at the optimum).</param>
/// <param name="BetweenVariance">Variance of the patients' true mean alliance (theta^2 sigma^2).</param>
/// <param name="WithinVariance">Residual variance sigma^2 (REML).</param>
/// <param name="Theta">lme4's theta: the between SD relative to the residual SD.</param>
/// <param name="Objective">The REML criterion at <paramref name="Theta"/>, as lme4 reports it.</param>
/// <param name="ShrunkenMeans">Each patient's empirical Bayes mean (intercept plus conditional mode), in the patients' order.</param>
public sealed record GroupedNullFit(
    double GrandMean, double BetweenVariance, double WithinVariance, double Theta, double Objective, double[] ShrunkenMeans);

public static partial class NullModel
{
    /// <summary>
    /// REML fit of <c>alliance ~ 1 + (1 | patient_id)</c> from each patient's ratings, patient p's at positions
    /// [<paramref name="starts"/>[p], <paramref name="starts"/>[p + 1]): the same model and criterion as
    /// <see cref="Fit(double[], string[], FitMethod)"/>, solved in closed form instead of by the general fitter (issue 15).
    /// </summary>
    /// <remarks>
    /// With lambda = theta^2 and w_i = n_i / (1 + lambda n_i), the penalized least squares of a random intercept reduce to
    /// per-patient counts, means and within sums of squares W: the intercept is sum w_i m_i / sum w_i, the penalized
    /// residual sum of squares r2 = W + sum w_i (m_i - mu)^2, log|L|^2 = sum log(1 + lambda n_i), |R_X|^2 = sum w_i, and
    /// the REML criterion is log|L|^2 + log|R_X|^2 + (N - 1)(1 + log(2 pi r2 / (N - 1))) (Bates et al. 2015, section 3).
    /// Its derivative in lambda is sum w_i - sum w_i^2 / sum w_i - (N - 1) sum w_i^2 (m_i - mu)^2 / r2, whose root is found to
    /// machine precision by an Illinois-style regula falsi (bisection as a fallback): no optimizer tolerance, one pass over
    /// the ratings and a few dozen over the patients, where the general fitter hashed a patient-id string per rating and
    /// built its cross-products first. The optimum is on the boundary (theta = 0, a singular fit) when the derivative
    /// at zero is not negative.
    /// </remarks>
    /// <exception cref="InsufficientDataException">Fewer than 3 patients or too few ratings.</exception>
    public static GroupedNullFit FitGrouped(ReadOnlySpan<double> ratings, ReadOnlySpan<int> starts)
    {
        var patients = starts.Length - 1;
        var total = patients < 0 ? 0 : starts[^1] - starts[0];
        if (patients < 3 || total <= patients)
        {
            throw new InsufficientDataException(
                $"The null model needs repeated alliance ratings from at least 3 patients; found {total} ratings from {Math.Max(0, patients)}.");
        }

        // Centred on the first patient's first rating, so the sums below carry no large common offset.
        var center = ratings[starts[0]];
        var counts = new double[patients];
        var means = new double[patients];
        double within = 0;
        for (var p = 0; p < patients; p++)
        {
            var (from, to) = (starts[p], starts[p + 1]);
            if (to <= from)
            {
                throw new ArgumentException("Every patient needs at least one rating.", nameof(starts));
            }

            double sum = 0;
            for (var i = from; i < to; i++)
            {
                sum += ratings[i] - center;
            }

            var mean = sum / (to - from);
            for (var i = from; i < to; i++)
            {
                var d = ratings[i] - center - mean;
                within += d * d;
            }

            (counts[p], means[p]) = (to - from, mean);
        }

        var residualDf = total - 1.0;
        if (!(within > 0))
        {
            return WithoutWithinVariation(means, center, residualDf);
        }

        var sizes = new Sizes(counts);
        var lambda = SolveLambda(sizes, means, within, residualDf);
        var at = Evaluate(sizes, means, within, lambda);
        var sigma2 = at.PenalizedSquares / residualDf;
        var shrunken = new double[patients];
        for (var p = 0; p < patients; p++)
        {
            // b_p = lambda n_p (m_p - mu) / (1 + lambda n_p): the conditional mode added to the intercept.
            var shrink = lambda * counts[p] / (1 + (lambda * counts[p]));
            shrunken[p] = center + at.Mean + (shrink * (means[p] - at.Mean));
        }

        var objective = at.LogDetL + Math.Log(at.WeightSum) + (residualDf * (1 + Math.Log(2 * Math.PI * at.PenalizedSquares / residualDf)));
        return new GroupedNullFit(center + at.Mean, lambda * sigma2, sigma2, Math.Sqrt(lambda), objective, shrunken);
    }

    /// <summary>
    /// Ratings that do not vary within patients: the criterion falls without end as lambda grows (sigma^2 towards 0),
    /// so the fit is its limit: no within variance, the patients' own means, the intercept their unweighted mean and the
    /// between variance sum (m_i - mu)^2 / (N - 1). The calibration then falls back to the defaults (no scale to judge by).
    /// </summary>
    private static GroupedNullFit WithoutWithinVariation(double[] means, double center, double residualDf)
    {
        var mu = means.Average();
        var between = means.Sum(m => (m - mu) * (m - mu)) / residualDf;
        return new GroupedNullFit(center + mu, between, 0, double.PositiveInfinity, double.NegativeInfinity, means.Select(m => center + m).ToArray());
    }

    /// <summary>The lambda where the REML criterion's derivative vanishes, or 0 when it does not fall from there.</summary>
    private static double SolveLambda(Sizes sizes, double[] means, double within, double residualDf)
    {
        if (Evaluate(sizes, means, within, 0).Slope(residualDf) >= 0)
        {
            return 0;
        }

        // Bracket: double until the slope turns positive (it does, with variation within patients: the slope tends to
        // (P - 1) / lambda - (N - 1) sum (m_i - mu)^2 / (W lambda^2)).
        double low = 0, high = 1;
        var slopeHigh = Evaluate(sizes, means, within, high).Slope(residualDf);
        for (var k = 0; slopeHigh < 0; k++)
        {
            if (k == 1000)
            {
                throw new ArithmeticException("The null model's REML criterion has no minimum in reach.");
            }

            (low, high) = (high, high * 2);
            slopeHigh = Evaluate(sizes, means, within, high).Slope(residualDf);
        }

        // Illinois-safeguarded regula falsi on the slope, then bisection when a step stalls: stops where the bracket
        // no longer shrinks in floating point.
        var slopeLow = Evaluate(sizes, means, within, low).Slope(residualDf);
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var next = high - (slopeHigh * (high - low) / (slopeHigh - slopeLow));
            if (!(next > low && next < high))
            {
                next = low + ((high - low) / 2);
            }

            if (next <= low || next >= high)
            {
                break;
            }

            var slope = Evaluate(sizes, means, within, next).Slope(residualDf);
            if (slope == 0)
            {
                return next;
            }

            if (slope < 0)
            {
                (low, slopeLow) = (next, slope);
                slopeHigh /= 2;
            }
            else
            {
                (high, slopeHigh) = (next, slope);
                slopeLow /= 2;
            }

            if (high - low <= 1e-15 * high)
            {
                break;
            }
        }

        return low + ((high - low) / 2);
    }

    /// <summary>The sums of the profiled REML criterion at one lambda (two passes over the patients).</summary>
    /// <remarks>A weight and a log per distinct number of ratings, not per patient: most patients share a few.</remarks>
    private static CriterionSums Evaluate(Sizes sizes, double[] means, double within, double lambda)
    {
        var weights = new double[sizes.Values.Length];
        double weightSum = 0, logDet = 0;
        for (var k = 0; k < weights.Length; k++)
        {
            var n = sizes.Values[k];
            weights[k] = n / (1 + (lambda * n));
            weightSum += sizes.Patients[k] * weights[k];
            logDet += sizes.Patients[k] * Math.Log(1 + (lambda * n));
        }

        double weighted = 0;
        for (var p = 0; p < means.Length; p++)
        {
            weighted += weights[sizes.Of[p]] * means[p];
        }

        var mu = weighted / weightSum;
        double between = 0, squaredWeightedBetween = 0;
        for (var p = 0; p < means.Length; p++)
        {
            var w = weights[sizes.Of[p]];
            var d = means[p] - mu;
            between += w * d * d;
            squaredWeightedBetween += w * w * d * d;
        }

        double squaredWeights = 0;
        for (var k = 0; k < weights.Length; k++)
        {
            squaredWeights += sizes.Patients[k] * weights[k] * weights[k];
        }

        return new CriterionSums(mu, weightSum, logDet, within + between, squaredWeights, squaredWeightedBetween);
    }

    /// <summary>The distinct numbers of ratings (<see cref="Values"/>), how many patients have each, and each patient's.</summary>
    private sealed class Sizes
    {
        public Sizes(double[] counts)
        {
            var index = new Dictionary<double, int>();
            Of = new int[counts.Length];
            var values = new List<double>();
            var patients = new List<double>();
            for (var p = 0; p < counts.Length; p++)
            {
                if (!index.TryGetValue(counts[p], out var k))
                {
                    k = values.Count;
                    index.Add(counts[p], k);
                    values.Add(counts[p]);
                    patients.Add(0);
                }

                Of[p] = k;
                patients[k]++;
            }

            (Values, Patients) = ([.. values], [.. patients]);
        }

        public double[] Values { get; }

        public double[] Patients { get; }

        public int[] Of { get; }
    }

    private readonly record struct CriterionSums(
        double Mean, double WeightSum, double LogDetL, double PenalizedSquares, double SquaredWeights, double SquaredWeightedBetween)
    {
        /// <summary>d criterion / d lambda.</summary>
        public double Slope(double residualDf) =>
            WeightSum - (SquaredWeights / WeightSum) - (residualDf * SquaredWeightedBetween / PenalizedSquares);
    }
}
