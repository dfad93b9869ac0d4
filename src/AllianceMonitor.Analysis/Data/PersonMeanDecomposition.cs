namespace AllianceMonitor.Analysis.Data;

/// <summary>
/// Splits one variable into a within-patient and a between-patient part.
/// The person mean is the mean over the patient's sessions where the variable is present;
/// <c>within = value - person mean</c>; <c>between = person mean - mean of all person means</c>,
/// the latter taken over patients with at least one present value (each patient counts once,
/// whatever the number of sessions).
/// </summary>
public sealed class PersonMeanDecomposition
{
    private readonly Dictionary<string, double> _personMeans;

    private PersonMeanDecomposition(Dictionary<string, double> personMeans, double grandMean)
    {
        _personMeans = personMeans;
        GrandMean = grandMean;
    }

    /// <summary>Mean of the person means.</summary>
    public double GrandMean { get; }

    public IReadOnlyDictionary<string, double> PersonMeans => _personMeans;

    public static PersonMeanDecomposition Of(
        IEnumerable<SessionObservation> observations,
        Func<SessionObservation, double?> variable)
    {
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach (var row in observations)
        {
            if (variable(row) is not double value)
            {
                continue;
            }

            sums.TryGetValue(row.PatientId, out var acc);
            sums[row.PatientId] = (acc.Sum + value, acc.Count + 1);
        }

        var means = new Dictionary<string, double>(sums.Count, StringComparer.Ordinal);
        foreach (var (patient, acc) in sums)
        {
            means[patient] = acc.Sum / acc.Count;
        }

        var grandMean = means.Count == 0 ? double.NaN : means.Values.Average();
        return new PersonMeanDecomposition(means, grandMean);
    }

    /// <summary>Value minus the patient's mean; <c>null</c> when either is missing.</summary>
    public double? Within(string patientId, double? value) =>
        value is double v && _personMeans.TryGetValue(patientId, out var mean) ? v - mean : null;

    /// <summary>Patient's mean minus the grand mean; <c>null</c> when the patient has no value.</summary>
    public double? Between(string patientId) =>
        _personMeans.TryGetValue(patientId, out var mean) ? mean - GrandMean : null;
}
