using System.Text.Json;
using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Series;

namespace AllianceMonitor.Api.Alerts;

/// <summary>
/// How each of a patient's series is judged on a session PUT: resumed from its stored state when the PUT adds a
/// session after the state's last one and the state was computed under the current calibration, settings and rule
/// version; otherwise (a correction of an earlier session, a refit, changed settings, a new rule version, no state yet)
/// replayed from its first session, as every series was before states were stored. A client alliance series and the
/// therapist series opposite it are judged together (the unnoticed-drop rule sets one against the other), so if
/// either is replayed both are.
/// </summary>
internal sealed class SeriesPlan
{
    private SeriesPlan(Dictionary<(string Instrument, Rater Rater), PlannedSeries> series, bool complete) =>
        (Series, Complete) = (series, complete);

    public IReadOnlyDictionary<(string Instrument, Rater Rater), PlannedSeries> Series { get; }

    /// <summary>
    /// False when a series to replay was read only after its state's last session (the read batch skips what a state
    /// that looked resumable covers, but the settings or the rule version have changed since): its whole series must be read.
    /// </summary>
    public bool Complete { get; }

    /// <param name="rows">The series' rows as read: whole, or after a resumable state's last session; the PUT's session merged in.</param>
    /// <param name="complete">Whether <paramref name="rows"/> are known to be whole (read again after an incomplete plan).</param>
    public static SeriesPlan Make(
        Guid patientId, int changedSession, IEnumerable<RatingRow> rows, IReadOnlyList<SeriesDetectorState> states, ClinicCalibrations clinic, bool complete)
    {
        var grouped = AllianceSeries.Group(rows);
        var keys = grouped.Keys.Select(k => (k.Instrument, k.Rater)).Union(states.Select(s => (s.Instrument, s.Rater)));
        var series = new Dictionary<(string Instrument, Rater Rater), PlannedSeries>();
        foreach (var (code, rater) in keys)
        {
            var instrument = InstrumentCatalog.Find(code)!;
            var stored = states.FirstOrDefault(s => s.Instrument == code && s.Rater == rater);
            var resumable = stored is not null && stored.LastSession < changedSession ? Resumable(stored, instrument, rater, clinic) : null;
            series[(code, rater)] = new PlannedSeries(instrument, rater, grouped.GetValueOrDefault((patientId, code, rater)) ?? [], stored, resumable);
        }

        JudgeTogether(series);
        var whole = complete || series.Values.All(s => s.Resumed is not null || s.IsWhole(changedSession));
        return new SeriesPlan(series, whole);
    }

    /// <summary>The stored state, if it was computed under exactly what this series is judged against now.</summary>
    private static object? Resumable(SeriesDetectorState stored, InstrumentDefinition instrument, Rater rater, ClinicCalibrations clinic)
    {
        try
        {
            if (instrument.MeasuresAlliance)
            {
                var state = DetectorState.FromJson(stored.State);
                return state.IsFor(instrument, clinic.Current(instrument.Code, rater), clinic.Settings) ? state : null;
            }

            var deterioration = JsonSerializer.Deserialize<DeteriorationState>(stored.State);
            return deterioration is not null && deterioration.IsFor(instrument, clinic.Settings) ? deterioration : null;
        }
        catch (JsonException)
        {
            // A state this version cannot read is no state: the series is replayed and its state written anew.
            return null;
        }
    }

    /// <summary>A client alliance series and the therapist series that can stand opposite it are resumed only all together.</summary>
    private static void JudgeTogether(Dictionary<(string Instrument, Rater Rater), PlannedSeries> series)
    {
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var client in series.Values.Where(s => s.Rater == Rater.Client && s.Instrument.MeasuresAlliance).ToList())
            {
                var together = TherapistForms.Of(client.Instrument.Code)
                    .Select(code => series.GetValueOrDefault((code, Rater.Therapist)))
                    .OfType<PlannedSeries>()
                    .Append(client)
                    .ToList();
                if (together.Any(s => s.Resumed is null) && together.Any(s => s.Resumed is not null))
                {
                    together.ForEach(s => s.Resumed = null);
                    changed = true;
                }
            }
        }
    }
}

/// <summary>One series of the plan: its rows as read, its stored state, and the state it resumes from (null: replayed).</summary>
internal sealed class PlannedSeries(InstrumentDefinition instrument, Rater rater, List<RatedSession> rows, SeriesDetectorState? stored, object? resumed)
{
    public InstrumentDefinition Instrument => instrument;
    public Rater Rater => rater;
    public SeriesDetectorState? Stored => stored;

    /// <summary>A <see cref="DetectorState"/> or <see cref="DeteriorationState"/> to resume; null when the series is replayed.</summary>
    public object? Resumed { get; set; } = resumed;

    /// <summary>What the detection takes in: the whole series when replayed, the sessions after the state's last when resumed.</summary>
    public List<RatedSession> Sessions => Resumed is null ? rows : rows.Where(r => r.Session > stored!.LastSession).ToList();

    /// <summary>Whether the series has any rating, the stored ones a resumed state stands for included.</summary>
    public bool HasRatings => rows.Count > 0 || (Resumed is not null && stored!.Sessions > 0);

    /// <summary>
    /// Whether the rows hold the whole series. The read batch skips the sessions of a state whose last session is before
    /// this PUT's (and whose calibration version is current): then the rows up to that session are fewer than it took in.
    /// </summary>
    public bool IsWhole(int changedSession) =>
        stored is null || stored.LastSession >= changedSession || rows.Count(r => r.Session <= stored.LastSession) == stored.Sessions;
}
