namespace AllianceMonitor.Bench.Detection;

/// <summary>
/// Detection scored per rupture episode: an alert at a session inside an injected dip finds that episode (further
/// alerts in the same episode count for nothing); any other alert is false.
/// </summary>
public sealed record Score(int Episodes, int Found, int FalseAlerts, int RatedSessions)
{
    public double Precision => Found + FalseAlerts == 0 ? 0 : Found / (double)(Found + FalseAlerts);
    public double Recall => Episodes == 0 ? 0 : Found / (double)Episodes;
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
    public double FalsePer100Sessions => 100.0 * FalseAlerts / RatedSessions;

    public static Score Of(IEnumerable<(string Patient, int Session)> alerts, IReadOnlySet<(string Patient, int Session)> dips, int episodes, int ratedSessions)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var falseAlerts = 0;
        foreach (var alert in alerts)
        {
            if (dips.Contains(alert))
            {
                found.Add(alert.Patient);
            }
            else
            {
                falseAlerts++;
            }
        }

        return new Score(episodes, found.Count, falseAlerts, ratedSessions);
    }

    public static Score Sum(IEnumerable<Score> scores) => scores.Aggregate(new Score(0, 0, 0, 0), (a, b) =>
        new Score(a.Episodes + b.Episodes, a.Found + b.Found, a.FalseAlerts + b.FalseAlerts, a.RatedSessions + b.RatedSessions));
}
