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
    /// <remarks>
    /// Rows already in that order (a clinic read ordered by patient and session, a CSV sorted as exported) are paired as
    /// they are enumerated, holding two rows at a time: a million-rating clinic then costs no dictionary of every session
    /// and no list of every pair. Any other order is joined through a dictionary and sorted.
    /// </remarks>
    /// <exception cref="ArgumentException">A patient has the same session twice.</exception>
    public static IEnumerable<LagPair> Build(IEnumerable<SessionObservation> observations)
    {
        var rows = observations as IReadOnlyCollection<SessionObservation> ?? observations.ToList();
        return InOrder(rows) ? Adjacent(rows) : FromAnyOrder(rows);
    }

    /// <summary>Patients in ascending ordinal order, each patient's rows together and its sessions strictly increasing.</summary>
    private static bool InOrder(IEnumerable<SessionObservation> rows)
    {
        SessionObservation? previous = null;
        foreach (var row in rows)
        {
            if (previous is not null)
            {
                var byPatient = string.CompareOrdinal(previous.PatientId, row.PatientId);
                if (byPatient > 0 || (byPatient == 0 && row.Session <= previous.Session))
                {
                    return false;
                }
            }

            previous = row;
        }

        return true;
    }

    private static IEnumerable<LagPair> Adjacent(IEnumerable<SessionObservation> rows)
    {
        SessionObservation? previous = null;
        foreach (var row in rows)
        {
            if (previous is not null && row.Session == previous.Session + 1 && string.Equals(previous.PatientId, row.PatientId, StringComparison.Ordinal))
            {
                yield return new LagPair(previous, row);
            }

            previous = row;
        }
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

        pairs.Sort(static (a, b) =>
        {
            var byPatient = string.CompareOrdinal(a.Current.PatientId, b.Current.PatientId);
            return byPatient != 0 ? byPatient : a.Current.Session.CompareTo(b.Current.Session);
        });
        return pairs;
    }
}
