namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The <c>therapist_id:patient_id</c> level of each row. Rows come patient by patient, so a run of rows with the same
/// therapist and patient shares one string instead of making one per row (a million strings of about 70 characters per
/// model at clinic size, made only to be hashed into the same hundred thousand levels).
/// </summary>
public static class NestedGroupKeys
{
    public static string[] Of<T>(IReadOnlyList<T> rows, Func<T, string> therapist, Func<T, string> patient)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var keys = new string[rows.Count];
        string? lastTherapist = null, lastPatient = null, lastKey = null;
        for (var i = 0; i < keys.Length; i++)
        {
            var t = therapist(rows[i]);
            var p = patient(rows[i]);
            if (lastKey is null || !string.Equals(t, lastTherapist, StringComparison.Ordinal) || !string.Equals(p, lastPatient, StringComparison.Ordinal))
            {
                (lastTherapist, lastPatient, lastKey) = (t, p, $"{t}:{p}");
            }

            keys[i] = lastKey;
        }

        return keys;
    }
}
