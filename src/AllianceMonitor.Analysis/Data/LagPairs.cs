namespace AllianceMonitor.Analysis.Data;

/// <summary>A session and the same patient's next session (numbered exactly one higher).</summary>
public sealed record LagPair(SessionObservation Current, SessionObservation Next);

public static class LagPairs
{
    /// <summary>
    /// Joins each session t to session t + 1 of the same patient. A pair across a gap
    /// (session t + 1 absent) is dropped rather than bridged, so the lag is always one session.
    /// Pairs come ordered by patient (ordinal) and session.
    /// </summary>
    /// <exception cref="ArgumentException">A patient has the same session twice.</exception>
    public static IReadOnlyList<LagPair> Build(IEnumerable<SessionObservation> observations)
    {
        var rows = observations as IReadOnlyCollection<SessionObservation> ?? observations.ToList();
        var pairs = FromGroupedRows(rows) ?? FromAnyOrder(rows);
        if (!IsOrdered(pairs))
        {
            pairs.Sort(static (a, b) =>
            {
                var byPatient = string.CompareOrdinal(a.Current.PatientId, b.Current.PatientId);
                return byPatient != 0 ? byPatient : a.Current.Session.CompareTo(b.Current.Session);
            });
        }

        return pairs;
    }

    /// <summary>
    /// The common case, in one pass and without a dictionary of every session: each patient's rows together, sessions
    /// increasing (a clinic read ordered by patient, a CSV sorted as exported). Null when the rows are not so grouped.
    /// </summary>
    private static List<LagPair>? FromGroupedRows(IEnumerable<SessionObservation> rows)
    {
        var pairs = new List<LagPair>();
        var finished = new HashSet<string>(StringComparer.Ordinal);
        SessionObservation? previous = null;
        foreach (var row in rows)
        {
            if (previous is not null && string.Equals(previous.PatientId, row.PatientId, StringComparison.Ordinal))
            {
                if (row.Session <= previous.Session)
                {
                    return null;
                }

                if (row.Session == previous.Session + 1)
                {
                    pairs.Add(new LagPair(previous, row));
                }
            }
            else if (!finished.Add(row.PatientId))
            {
                // The patient's rows are not together: join them through the dictionary instead.
                return null;
            }

            previous = row;
        }

        return pairs;
    }

    private static List<LagPair> FromAnyOrder(IEnumerable<SessionObservation> observations)
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

        return pairs;
    }

    private static bool IsOrdered(List<LagPair> pairs)
    {
        for (var i = 1; i < pairs.Count; i++)
        {
            var byPatient = string.CompareOrdinal(pairs[i - 1].Current.PatientId, pairs[i].Current.PatientId);
            if (byPatient > 0 || (byPatient == 0 && pairs[i - 1].Current.Session >= pairs[i].Current.Session))
            {
                return false;
            }
        }

        return true;
    }
}
