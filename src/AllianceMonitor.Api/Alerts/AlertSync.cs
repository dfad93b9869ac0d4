using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using AllianceMonitor.Api.Series;

namespace AllianceMonitor.Api.Alerts;

/// <summary>
/// The live path: after a session write, judges the patient's alliance series through the rupture detector and the
/// patient's own symptom and well-being series through the deterioration rule, sets each client alliance series
/// against the therapist's ratings of the same sessions (the unnoticed-drop rule), and brings the stored alerts in line,
/// inside the request's unit of work. A series whose stored state (<see cref="SeriesDetectorState"/>) ends before the
/// written session, under the current calibration, settings and rule version, is judged from that state on the new
/// session alone; any other is replayed from its first session (<see cref="SeriesPlan"/>). Both give exactly what a
/// replay of every series would (IncrementalDetectionTests, IncrementalAlertTests). Alerts are keyed by (series, kind,
/// session), so a corrected session updates or withdraws its alert and never adds a second one. Alerts raised before
/// the changed session keep the evidence they were raised with; only their repair tracking moves on.
/// </summary>
public sealed class AlertSync(AllianceDbContext db, CommittedCounts counts, TimeProvider clock)
{
    /// <summary>
    /// The judgement on rows the caller has read already (the session PUT reads them in its one read batch and adds the
    /// session it is writing). No database access, unless a series must be replayed that the batch read only after its
    /// stored state (the settings or the rule version changed since the state was stored): then one read of the whole series.
    /// </summary>
    /// <param name="rows">The patient's ratings in force of <see cref="AlertedInstruments"/>, as <see cref="Sessions.SessionReadBatch"/> reads them.</param>
    /// <param name="states">
    /// The patient's stored detector states, tracked: updated, added or removed here (in the list as in the context),
    /// saved by the unit of work.
    /// </param>
    /// <param name="stored">The patient's stored alerts, tracked; an alert created here is added to the list.</param>
    /// <param name="subscribedEvents">The event types the clinic's webhook subscriptions ask for.</param>
    /// <param name="rowsAreWhole">
    /// Whether <paramref name="rows"/> hold every session of the patient's series (the session import reads them whole
    /// and keeps them up to date in memory, ahead of what the database holds): then they are never read again.
    /// </param>
    /// <returns>How many alerts were created, updated or withdrawn; each has an outbox event for the webhooks.</returns>
    public async Task<int> ReconcileAsync(
        Guid clinicId, Patient patient, int changedSession, IReadOnlyCollection<RatingRow> rows, List<SeriesDetectorState> states,
        List<Alert> stored, ClinicCalibrations clinic, IReadOnlySet<string> subscribedEvents, CancellationToken cancellationToken,
        bool rowsAreWhole = false)
    {
        using var span = Telemetry.Source.StartActivity(Telemetry.AlertReplay);
        var patientId = patient.Id;
        var plan = SeriesPlan.Make(patientId, changedSession, rows, states, clinic, complete: rowsAreWhole);
        if (!plan.Complete)
        {
            var whole = await AllianceSeries.LoadAsync(db, clinicId, patientId, AlertedInstruments, cancellationToken);
            plan = SeriesPlan.Make(
                patientId, changedSession, whole.Where(r => r.Session != changedSession).Concat(rows.Where(r => r.Session == changedSession)),
                states, clinic, complete: true);
        }

        span?.SetTag("alerts.series_resumed", plan.Series.Values.Count(s => s.Resumed is not null));
        span?.SetTag("alerts.series_replayed", plan.Series.Values.Count(s => s.Resumed is null));
        var keys = plan.Series.Keys.Union(stored.Select(a => (a.Instrument, a.Rater))).ToList();
        if (keys.Count == 0)
        {
            return 0;
        }

        var now = Timestamps.Now(clock);
        var runs = plan.Series.Values.Where(s => s.Instrument.MeasuresAlliance)
            .ToDictionary(s => (s.Instrument.Code, s.Rater), s => Judge(s, clinic));
        var changes = new List<(Alert Alert, bool Created)>();
        foreach (var (instrumentCode, rater) in keys)
        {
            var instrument = InstrumentCatalog.Find(instrumentCode)!;
            var series = plan.Series.GetValueOrDefault((instrumentCode, rater));
            var detected = Detect(instrument, rater, series, runs, plan, clinic, patientId, states, now)
                .ToDictionary(a => (a.Kind, a.Session));
            var existing = stored.Where(a => a.Instrument == instrumentCode && a.Rater == rater)
                .ToDictionary(a => (a.Kind, a.Session));

            foreach (var (key, alert) in detected)
            {
                if (existing.TryGetValue(key, out var row))
                {
                    if (Apply(row, alert, refreshEvidence: key.Session >= changedSession, now))
                    {
                        changes.Add((row, false));
                    }
                }
                else if (key.Session >= changedSession)
                {
                    var created = Create(clinicId, patientId, instrumentCode, rater, alert, now);
                    db.Alerts.Add(created);
                    stored.Add(created);
                    counts.Add(Telemetry.AlertsRaised, "alert.kind", created.Kind.StoredName());
                    changes.Add((created, true));
                }
            }

            // A resumed series has no alert at or after the changed session but those it detected: its state ends before it.
            foreach (var row in existing.Values.Where(r => r.Session >= changedSession && r.Status != AlertStatus.Withdrawn
                                                            && !detected.ContainsKey((r.Kind, r.Session))))
            {
                row.Status = AlertStatus.Withdrawn;
                row.UpdatedAt = now;
                changes.Add((row, false));
            }
        }

        foreach (var (alert, created) in changes)
        {
            AlertEvents.Enqueue(db, alert, patient, created, subscribedEvents);
        }

        // Saved by the unit of work at commit, with the session, the states and the audit entry.
        return changes.Count;
    }

    /// <summary>Alliance measures and the outcome measures a deterioration can be judged on, read in one query.</summary>
    public static readonly IReadOnlyList<string> AlertedInstruments =
        [.. AllianceSeries.Instruments, .. InstrumentCatalog.WithReliableChange.Select(i => i.Code)];

    /// <summary>
    /// The rupture detector on one alliance series, from its state or from the start: the alerts that are new or can
    /// still change, the judgements of the sessions taken in, and the state after them.
    /// </summary>
    private static (DetectorRun Run, DetectorState State) Judge(PlannedSeries series, ClinicCalibrations clinic)
    {
        var (instrument, calibration) = (series.Instrument, clinic.Current(series.Instrument.Code, series.Rater));
        var from = series.Resumed as DetectorState ?? DetectorState.Start(instrument, calibration, clinic.Settings);
        return RuptureDetector.Resume(from, series.Sessions, instrument, calibration, clinic.Settings);
    }

    private IReadOnlyList<DetectedAlert> Detect(
        InstrumentDefinition instrument, Rater rater, PlannedSeries? series, Dictionary<(string, Rater), (DetectorRun Run, DetectorState State)> runs,
        SeriesPlan plan, ClinicCalibrations clinic, Guid patientId, List<SeriesDetectorState> states, DateTimeOffset now)
    {
        if (series is null)
        {
            // Alerts stored on a series without ratings or state: a replay of nothing, which withdraws them from the changed session on.
            return [];
        }

        if (instrument.MeasuresAlliance)
        {
            var (run, state) = runs[(instrument.Code, rater)];
            Store(series, states, patientId, state.Sessions, state.LastSession, RuptureDetector.RuleVersion, state.CalibrationVersion, state.ToJson(), now);
            if (rater != Rater.Client || !run.Alerts.Any(a => a.Kind == AlertKind.Rupture)
                || TherapistSide(instrument, plan) is not { } therapist)
            {
                return run.Alerts;
            }

            // Unnoticed drops are stored on the client's series, where the rupture that raised them is.
            return [.. run.Alerts, .. UnnoticedDropRule.Find(run, runs[(therapist.Code, Rater.Therapist)].Run, therapist, clinic.Settings)];
        }

        var from = series.Resumed as DeteriorationState ?? DeteriorationState.Start(instrument, clinic.Settings);
        var (alerts, after) = DeteriorationRule.Resume(from, series.Sessions, instrument, clinic.Settings);
        Store(series, states, patientId, after.Sessions, after.LastSession, DeteriorationRule.RuleVersion, 0, JsonSerializer.Serialize(after), now);

        // Reliable change is a patient-reported standard: the published values are for the patient's own form.
        return rater == Rater.Client ? alerts : [];
    }

    /// <summary>Keeps the series' state for the next PUT: added, updated when it moved, removed when the series has no rating left.</summary>
    private void Store(PlannedSeries series, List<SeriesDetectorState> states, Guid patientId, int sessions, int? lastSession, int ruleVersion, int calibrationVersion, string json, DateTimeOffset now)
    {
        if (lastSession is not { } last)
        {
            if (series.Stored is { } gone)
            {
                db.SeriesDetectorStates.Remove(gone);
                states.Remove(gone);
            }

            return;
        }

        var row = series.Stored;
        if (row is null)
        {
            row = new SeriesDetectorState { PatientId = patientId, Instrument = series.Instrument.Code, Rater = series.Rater, State = json };
            db.SeriesDetectorStates.Add(row);
            states.Add(row);
        }
        else if (row.State == json)
        {
            return;
        }

        (row.LastSession, row.Sessions, row.RuleVersion, row.CalibrationVersion, row.State, row.UpdatedAt) =
            (last, sessions, ruleVersion, calibrationVersion, json, now);
    }

    /// <summary>
    /// The therapist form opposite a client alliance series: the first of <see cref="TherapistForms.Of"/> this
    /// patient's therapist has rated (WAI-SR-T for the WAI-SR, else the same form rated by the therapist).
    /// </summary>
    private static InstrumentDefinition? TherapistSide(InstrumentDefinition clientForm, SeriesPlan plan)
    {
        foreach (var code in TherapistForms.Of(clientForm.Code))
        {
            if (plan.Series.TryGetValue((code, Rater.Therapist), out var series) && series.HasRatings)
            {
                return InstrumentCatalog.Find(code)!;
            }
        }

        return null;
    }

    private static Alert Create(Guid clinicId, Guid patientId, string instrument, Rater rater, DetectedAlert detected, DateTimeOffset now)
    {
        var alert = new Alert
        {
            ClinicId = clinicId,
            PatientId = patientId,
            Instrument = instrument,
            Rater = rater,
            Kind = detected.Kind,
            Session = detected.Session,
            Evidence = detected.Evidence,
            CreatedAt = now,
            UpdatedAt = now,
        };
        Track(alert, detected);
        return alert;
    }

    /// <returns>Whether anything a reader can see changed.</returns>
    private static bool Apply(Alert row, DetectedAlert detected, bool refreshEvidence, DateTimeOffset now)
    {
        var before = (row.Status, Tracking(row), row.Evidence);
        if (refreshEvidence)
        {
            row.Evidence = detected.Evidence;
        }

        Track(row, detected);
        if (row.Status == AlertStatus.Withdrawn)
        {
            // The correction that withdrew it has itself been corrected: the same alert is back, not a new one.
            row.Status = AlertStatus.Open;
        }

        if ((row.Status, Tracking(row), row.Evidence) == before)
        {
            return false;
        }

        row.UpdatedAt = now;
        return true;
    }

    private static void Track(Alert row, DetectedAlert detected) =>
        (row.RuptureStatus, row.StatusSession, row.Severity) = (detected.Status, detected.StatusSession, detected.Severity);

    private static (RuptureStatus?, int?, int) Tracking(Alert row) => (row.RuptureStatus, row.StatusSession, row.Severity);
}
