using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Bench.Detection;

/// <summary>One generating process of the grid (issue 11). Every field is varied by some cell; the rest stay realistic.</summary>
/// <param name="Phi">AR(1) coefficient of the within-patient noise (0: independent).</param>
/// <param name="SlopeMean">Mean per-session trend; <paramref name="SlopeSd"/> its SD between patients (0 and 0: no trend).</param>
/// <param name="GrandMean">Mean patient level; higher puts more ratings at the ceiling of 5.</param>
/// <param name="DepthMin">Shallowest dip, in within-patient SDs; <paramref name="DepthMax"/> the deepest.</param>
/// <param name="OnsetLate">Dips start anywhere from session 3 (false) or in the last third of the treatment (true).</param>
/// <param name="OnsetEarly">Dips start at session 3 or 4.</param>
/// <param name="LengthMin">Shortest dip in sessions; <paramref name="LengthMax"/> the longest.</param>
public sealed record GridProcess(
    double Phi = 0.3,
    double SlopeMean = 0.01,
    double SlopeSd = 0.02,
    double GrandMean = 4.2,
    double DepthMin = 2.0,
    double DepthMax = 4.0,
    bool OnsetEarly = false,
    bool OnsetLate = false,
    int LengthMin = 1,
    int LengthMax = 3,
    double Sigma = 0.25,
    double BetweenSd = 0.45,
    double RuptureRate = 0.25);

/// <summary>A simulated or loaded clinic with its truth: the dip sessions and each session's latent expected rating.</summary>
public sealed record Clinic(
    List<SessionObservation> Observations,
    HashSet<(string Patient, int Session)> Dips,
    int Episodes,
    Dictionary<(string Patient, int Session), double> Latent,
    double Sigma);

/// <summary>
/// The bench-side grid generator: rectangular dips (constant depth for their whole length) on an AR(1) series with a
/// patient-specific trend, WAI-SR rounding to 1/12 and clamping to 1-5. System.Random is fine here: a bench run only
/// has to be reproducible on the runtime that made it.
/// </summary>
public static class GridGenerator
{
    public static Clinic Simulate(GridProcess p, int patients, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var observations = new List<SessionObservation>();
        var dips = new HashSet<(string, int)>();
        var latent = new Dictionary<(string, int), double>();
        var episodes = 0;
        var innovation = p.Sigma * Math.Sqrt(1 - (p.Phi * p.Phi));
        for (var i = 0; i < patients; i++)
        {
            var id = $"S{seed}-{i:00000}";
            var sessions = random.Next(6, 17);
            var level = p.GrandMean + (p.BetweenSd * Normal());
            var slope = p.SlopeMean + (p.SlopeSd * Normal());
            var dip = new double[sessions + 1];
            if (random.NextDouble() < p.RuptureRate)
            {
                var first = p.OnsetLate ? Math.Max(3, sessions - (sessions / 3)) : 3;
                var last = p.OnsetEarly ? Math.Min(4, sessions) : sessions;
                var onset = random.Next(first, last + 1);
                var length = random.Next(p.LengthMin, p.LengthMax + 1);
                var depth = p.DepthMin + ((p.DepthMax - p.DepthMin) * random.NextDouble());
                for (var t = onset; t < onset + length && t <= sessions; t++)
                {
                    dip[t] = depth * p.Sigma;
                }
            }

            var u = p.Sigma * Normal();
            var hasDip = false;
            for (var t = 1; t <= sessions; t++)
            {
                if (t > 1)
                {
                    u = (p.Phi * u) + (innovation * Normal());
                }

                var trend = level + (slope * (t - 1));
                var rating = Math.Clamp(Math.Round((trend + u - dip[t]) * 12) / 12, 1, 5);
                if (t > 1 && random.NextDouble() < 0.03)
                {
                    continue;
                }

                observations.Add(new SessionObservation(id, null, t, rating, null));
                latent[(id, t)] = ClampedNormalMean(trend, p.Sigma, 1, 5);
                if (dip[t] > 0)
                {
                    dips.Add((id, t));
                    hasDip = true;
                }
            }

            episodes += hasDip ? 1 : 0;
        }

        return new Clinic(observations, dips, episodes, latent, p.Sigma);
    }

    /// <summary>E[clamp(X, low, high)] for X ~ N(mean, sd^2): the oracle's expected rating on a bounded scale.</summary>
    public static double ClampedNormalMean(double mean, double sd, double low, double high)
    {
        double Cdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));
        double Pdf(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);
        var a = (low - mean) / sd;
        var b = (high - mean) / sd;
        return (mean * (Cdf(b) - Cdf(a))) + (sd * (Pdf(a) - Pdf(b))) + (low * Cdf(a)) + (high * (1 - Cdf(b)));
    }

    private static double Erf(double x)
    {
        // Abramowitz & Stegun 7.1.26.
        var t = 1 / (1 + (0.3275911 * Math.Abs(x)));
        var polynomial = ((((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t) - 0.284496736) * t) + 0.254829592) * t;
        var y = 1 - (polynomial * Math.Exp(-x * x));
        return x >= 0 ? y : -y;
    }
}
