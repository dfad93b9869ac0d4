using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Bench.Detection;

/// <summary>The two references every cell is scored against.</summary>
public static class Oracle
{
    /// <summary>Thresholds the oracle may pick from in hindsight, in true within-patient SDs.</summary>
    public static readonly double[] Thresholds = Enumerable.Range(0, 61).Select(i => 1.0 + (i * 0.05)).ToArray();

    /// <summary>The oracle knows each session's latent expected rating and the true within-patient SD.</summary>
    public static IEnumerable<(string, int)> Alerts(Clinic clinic, List<SessionObservation> rated, double c) =>
        rated.Where(o => clinic.Latent[(o.PatientId, o.Session)] - o.Alliance!.Value >= c * clinic.Sigma).Select(o => (o.PatientId, o.Session));

    /// <summary>The fixed rule: the WAI-SR total (12-60) down one point or more from the previous rated session.</summary>
    public static IEnumerable<(string, int)> FixedRule(List<SessionObservation> rated)
    {
        foreach (var patient in rated.GroupBy(o => o.PatientId, StringComparer.Ordinal))
        {
            var sessions = patient.OrderBy(o => o.Session).ToList();
            for (var i = 1; i < sessions.Count; i++)
            {
                if (Math.Round(12 * sessions[i - 1].Alliance!.Value) - Math.Round(12 * sessions[i].Alliance!.Value) >= 1)
                {
                    yield return (patient.Key, sessions[i].Session);
                }
            }
        }
    }
}
