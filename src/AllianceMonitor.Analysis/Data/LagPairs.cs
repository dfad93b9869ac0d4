namespace AllianceMonitor.Analysis.Data;

/// <summary>A session and the same patient's next session (numbered exactly one higher).</summary>
public sealed record LagPair(SessionObservation Current, SessionObservation Next);

public static class LagPairs
{
    /// <summary>
    /// Joins each session t to session t + 1 of the same patient. A pair across a gap
    /// (session t + 1 absent) is dropped rather than bridged, so the lag is always one session.
    /// </summary>
    /// <exception cref="ArgumentException">A patient has the same session twice.</exception>
    public static IReadOnlyList<LagPair> Build(IEnumerable<SessionObservation> observations)
    {
        var byKey = new Dictionary<(string Patient, int Session), SessionObservation>();
        foreach (var row in observations)
        {
            if (!byKey.TryAdd((row.PatientId, row.Session), row))
            {
                throw new ArgumentException(
                    $"Patient {row.PatientId} has session {row.Session} more than once.", nameof(observations));
            }
        }

        var pairs = new List<LagPair>();
        foreach (var ((patient, session), row) in byKey)
        {
            if (byKey.TryGetValue((patient, session + 1), out var next))
            {
                pairs.Add(new LagPair(row, next));
            }
        }

        pairs.Sort(static (a, b) =>
        {
            var byPatient = string.CompareOrdinal(a.Current.PatientId, b.Current.PatientId);
            return byPatient != 0 ? byPatient : a.Current.Session.CompareTo(b.Current.Session);
        });
        return pairs;
    }
}
