namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// Patients' rated sessions packed one patient after another: patient p's ratings are positions
/// [<see cref="Start"/>(p), <see cref="End"/>(p)) of <see cref="Sessions"/> and <see cref="Values"/>, in session order.
/// The robust calibration works on this instead of a list per patient (issue 15): at a million ratings a
/// <see cref="RatedSession"/> object each cost 32 MB and a pointer chase per read.
/// </summary>
/// <remarks>The arrays may be longer than the ratings (a growable buffer's spare capacity); only the ranges count.</remarks>
internal sealed class PackedRatings
{
    private readonly int[] _starts;

    /// <param name="starts">Patients + 1 offsets: patient p runs from starts[p] to starts[p + 1].</param>
    public PackedRatings(int[] starts, int[] sessions, double[] values)
    {
        if (starts.Length == 0 || starts[^1] > sessions.Length || starts[^1] > values.Length)
        {
            throw new ArgumentException("The offsets must end within the sessions and values.", nameof(starts));
        }

        (_starts, Sessions, Values) = (starts, sessions, values);
    }

    public int[] Sessions { get; }

    public double[] Values { get; }

    public int Patients => _starts.Length - 1;

    /// <summary>The patients' offsets: <see cref="Patients"/> + 1 of them.</summary>
    public ReadOnlySpan<int> Starts => _starts;

    public int Ratings => _starts[^1];

    public int Start(int patient) => _starts[patient];

    public int End(int patient) => _starts[patient + 1];

    public int Count(int patient) => _starts[patient + 1] - _starts[patient];

    /// <summary>Packs per-patient lists, patients and sessions in the order given.</summary>
    public static PackedRatings From(IReadOnlyList<IReadOnlyList<RatedSession>> patients)
    {
        var starts = new int[patients.Count + 1];
        for (var p = 0; p < patients.Count; p++)
        {
            starts[p + 1] = starts[p] + patients[p].Count;
        }

        var sessions = new int[starts[^1]];
        var values = new double[starts[^1]];
        for (var p = 0; p < patients.Count; p++)
        {
            var patient = patients[p];
            for (var i = 0; i < patient.Count; i++)
            {
                (sessions[starts[p] + i], values[starts[p] + i]) = patient[i];
            }
        }

        return new PackedRatings(starts, sessions, values);
    }
}
