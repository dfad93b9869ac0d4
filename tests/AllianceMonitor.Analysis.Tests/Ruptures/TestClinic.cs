using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

/// <summary>
/// A small generator for the detector's tests: WAI-SR item means with patient levels (SD .45 around 4.0), patient trends
/// (SD .02 per session), AR(1) noise (phi .3, SD .25), rounding to 1/12 and clamping to 1-5, and optionally one dip
/// per patient for a share of patients.
/// </summary>
internal static class TestClinic
{
    public const double NoiseSd = 0.25;

    public static List<SessionObservation> Simulate(int patients, int seed, double dipShare = 0, double dipSds = 3, double slopeSd = 0.02, double grandMean = 4.0)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var rows = new List<SessionObservation>();
        for (var i = 0; i < patients; i++)
        {
            var n = random.Next(8, 15);
            var level = grandMean + (0.45 * Normal());
            var slope = slopeSd * Normal();
            var dipAt = random.NextDouble() < dipShare ? random.Next(3, n) : -1;
            var u = NoiseSd * Normal();
            for (var t = 1; t <= n; t++)
            {
                u = t == 1 ? u : (0.3 * u) + (NoiseSd * Math.Sqrt(1 - 0.09) * Normal());
                var dip = t == dipAt || t == dipAt + 1 ? dipSds * NoiseSd : 0;
                var value = Math.Clamp(Math.Round((level + (slope * (t - 1)) + u - dip) * 12) / 12, 1, 5);
                rows.Add(new SessionObservation($"p{i:0000}", null, t, value, null));
            }
        }

        return rows;
    }
}
