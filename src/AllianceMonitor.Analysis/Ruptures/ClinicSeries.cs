using System.Collections;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// One alliance series of a clinic (one instrument, one rater), folded in one patient at a time from a read ordered by
/// patient, and calibrated exactly as <see cref="Calibration.FromRatings"/> calibrates the same ratings given as
/// observations in the same order (issue 15). A rating costs a session number and a value (12 bytes, plus 8 per symptom
/// measure seen beside it) instead of a row object, an observation object and a patient-id string each.
/// </summary>
/// <remarks>
/// The ratings are kept, packed, rather than reduced to per-patient sums: the robust calibration takes medians of every
/// residual, refines its model over every patient's series, and sets the null on quantiles of every prediction error,
/// none of which sufficient statistics reproduce exactly.
/// </remarks>
public sealed partial class ClinicSeries
{
    private readonly List<string> _patients = [];
    private readonly List<int> _starts = [];

    // Growable buffers rather than lists, so the calibration reads them as they are (PackedRatings) without a copy.
    private int[] _sessions = [];
    private double[] _values = [];
    private int _count;

    // One column per symptom measure seen with this series, a value per rating; NaN where the session has none.
    private readonly Dictionary<string, List<double>> _symptoms = new(StringComparer.Ordinal);

    public int Ratings => _count;

    /// <summary>Patients with at least <see cref="Calibration.MinRatedSessions"/> ratings: the count the calibration's minimum is about.</summary>
    public int EligiblePatients { get; private set; }

    /// <summary>Adds one patient's ratings, in strictly increasing session order, one value per session.</summary>
    /// <param name="patientId">The patient's id as the observations name it; each patient is added once.</param>
    /// <param name="sessions">Session numbers, increasing.</param>
    /// <param name="values">The rating of each session.</param>
    /// <param name="symptoms">Per symptom measure, its total at each of these sessions (NaN where not rated).</param>
    public void AddPatient(string patientId, ReadOnlySpan<int> sessions, ReadOnlySpan<double> values, IReadOnlyDictionary<string, double[]>? symptoms = null)
    {
        var instruments = new string[symptoms?.Count ?? 0];
        var columns = new double[instruments.Length * sessions.Length];
        var k = 0;
        foreach (var (instrument, column) in symptoms ?? new Dictionary<string, double[]>())
        {
            if (column.Length != sessions.Length)
            {
                throw new ArgumentException($"{instrument} needs one value per session.", nameof(symptoms));
            }

            instruments[k] = instrument;
            column.CopyTo(columns, k++ * sessions.Length);
        }

        AddPatient(patientId, sessions, values, instruments, columns);
    }

    /// <summary>
    /// As the dictionary overload, with the symptom columns one after another in <paramref name="symptomColumns"/>
    /// (column k, of measure <paramref name="symptomInstruments"/>[k], at k x sessions): the streamed read reuses
    /// its buffers for every patient instead of allocating a dictionary and arrays per patient.
    /// </summary>
    public void AddPatient(
        string patientId, ReadOnlySpan<int> sessions, ReadOnlySpan<double> values, ReadOnlySpan<string> symptomInstruments, ReadOnlySpan<double> symptomColumns)
    {
        if (sessions.Length != values.Length || sessions.Length == 0)
        {
            throw new ArgumentException("A patient needs one value per session, and at least one session.", nameof(values));
        }

        for (var i = 1; i < sessions.Length; i++)
        {
            if (sessions[i] <= sessions[i - 1])
            {
                throw new ArgumentException("Sessions must be in strictly increasing order.", nameof(sessions));
            }
        }

        if (symptomColumns.Length != symptomInstruments.Length * sessions.Length)
        {
            throw new ArgumentException("Each symptom measure needs one value per session.", nameof(symptomColumns));
        }

        for (var k = 1; k < symptomInstruments.Length; k++)
        {
            if (symptomInstruments[..k].Contains(symptomInstruments[k]))
            {
                throw new ArgumentException($"{symptomInstruments[k]} is given twice.", nameof(symptomInstruments));
            }
        }

        for (var k = 0; k < symptomInstruments.Length; k++)
        {
            if (!_symptoms.TryGetValue(symptomInstruments[k], out var stored))
            {
                stored = new List<double>(_count + sessions.Length);
                AppendMissing(stored, _count);
                _symptoms[symptomInstruments[k]] = stored;
            }

            stored.AddRange(symptomColumns.Slice(k * sessions.Length, sessions.Length));
        }

        _patients.Add(patientId);
        _starts.Add(_count);
        if (_count + sessions.Length > _values.Length)
        {
            var capacity = Math.Max(_count + sessions.Length, Math.Max(1024, 2 * _values.Length));
            Array.Resize(ref _sessions, capacity);
            Array.Resize(ref _values, capacity);
        }

        sessions.CopyTo(_sessions.AsSpan(_count));
        values.CopyTo(_values.AsSpan(_count));
        _count += sessions.Length;
        foreach (var (instrument, stored) in _symptoms)
        {
            if (!symptomInstruments.Contains(instrument))
            {
                AppendMissing(stored, sessions.Length);
            }
        }

        if (sessions.Length >= Calibration.MinRatedSessions)
        {
            EligiblePatients++;
        }
    }

    /// <summary>
    /// The ratings as the engine's observations, patient by patient in the order added, with the given symptom measure
    /// (or none). Made one at a time as they are enumerated, never stored.
    /// </summary>
    public IReadOnlyCollection<SessionObservation> Observations(string? symptomInstrument) =>
        new ObservationView(this, symptomInstrument is null ? null : _symptoms.GetValueOrDefault(symptomInstrument));

    /// <summary>Whether any rating has a value of this symptom measure at its session.</summary>
    public bool HasSymptoms(string? symptomInstrument) =>
        symptomInstrument is not null && _symptoms.TryGetValue(symptomInstrument, out var column) && column.Exists(v => !double.IsNaN(v));

    /// <summary>As <see cref="Calibration.FromRatings"/> on <see cref="Observations"/>; equal to it, not merely close.</summary>
    /// <exception cref="InsufficientDataException">The null model has too little to fit.</exception>
    public Calibration Calibrate(InstrumentDefinition instrument, int version, DetectorSettings settings, double? symptomEffectPerPoint = null)
    {
        if (EligiblePatients < Calibration.MinPatients)
        {
            return Calibration.Default(instrument) with
            {
                Version = version, Patients = EligiblePatients, Ratings = Ratings, SymptomEffectPerPoint = symptomEffectPerPoint,
            };
        }

        var starts = new int[_patients.Count + 1];
        for (var p = 0; p < _patients.Count; p++)
        {
            starts[p + 1] = Range(p).End;
        }

        // The calibration reads the buffers in place.
        var packed = new PackedRatings(starts, _sessions, _values);
        return Calibration.Fitted(instrument, version, settings, symptomEffectPerPoint, packed, EligiblePatients, Ratings);
    }

    private static void AppendMissing(List<double> column, int count)
    {
        for (var i = 0; i < count; i++)
        {
            column.Add(double.NaN);
        }
    }

    private (int Start, int End) Range(int patient) =>
        (_starts[patient], patient + 1 < _starts.Count ? _starts[patient + 1] : _count);

    private sealed class ObservationView(ClinicSeries series, List<double>? symptoms) : IReadOnlyCollection<SessionObservation>
    {
        public int Count => series.Ratings;

        public IEnumerator<SessionObservation> GetEnumerator()
        {
            for (var p = 0; p < series._patients.Count; p++)
            {
                var (start, end) = series.Range(p);
                for (var i = start; i < end; i++)
                {
                    double? symptom = symptoms is null || double.IsNaN(symptoms[i]) ? null : symptoms[i];
                    yield return new SessionObservation(series._patients[p], null, series._sessions[i], series._values[i], symptom);
                }
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
