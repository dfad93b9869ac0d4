using System.Globalization;
using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Bench.Detection;

/// <summary>Loads a clinic written by bench/detection/generate_clinic.py: the ratings CSV and its truth file.</summary>
public static class OutsideClinic
{
    public static Clinic Load(string ratingsPath, string truthPath, double sigma)
    {
        var observations = File.ReadLines(ratingsPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','))
            .Select(c => new SessionObservation(c[0], c[1], Int(c[2]), Number(c[3]), null)).ToList();
        var dips = new HashSet<(string, int)>();
        var latent = new Dictionary<(string, int), double>();
        foreach (var c in File.ReadLines(truthPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')))
        {
            latent[(c[0], Int(c[1]))] = Number(c[2]);
            if (c[3] == "1")
            {
                dips.Add((c[0], Int(c[1])));
            }
        }

        var episodes = dips.Select(d => d.Item1).Distinct(StringComparer.Ordinal).Count();
        return new Clinic(observations, dips, episodes, latent, sigma);
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);

    private static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
