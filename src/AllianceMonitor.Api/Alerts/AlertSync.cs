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
/// The live path: after a session write, replays the patient's alliance series through the rupture detector and the
/// patient's own symptom and well-being series through the deterioration rule, sets each client alliance series
/// against the therapist's ratings of the same sessions (the unnoticed-drop rule), and brings the stored alerts in line,
/// inside the request's unit of work. A change to either side's rating of a session replays both, because every
/// series of the patient is replayed on every write. Alerts are keyed by (series, kind, session), so a
/// corrected session updates or withdraws its alert and never adds a second one. Alerts raised before the changed
/// session keep the evidence they were raised with; only their repair tracking moves on.
/// </summary>
public sealed class AlertSync(AllianceDbContext db, TimeProvider clock)
{
    /// <summary>
    /// The replay on rows the caller has read already (the session PUT reads them in its one read batch and adds the
    /// session it is writing): no database access.
    /// </summary>
    /// <param name="rows">The patient's ratings in force of <see cref="AlertedInstruments"/>, as <see cref="AllianceSeries.LoadAsync"/> returns them.</param>
    /// <param name="stored">The patient's stored alerts, tracked.</param>
    /// <param name="subscribedEvents">The event types the clinic's webhook subscriptions ask for.</param>
    /// <returns>How many alerts were created, updated or withdrawn; each has an outbox event for the webhooks.</returns>
    public int Reconcile(
        Guid clinicId, Patient patient, int changedSession, IReadOnlyCollection<RatingRow> rows, IReadOnlyList<Alert> stored,
        ClinicCalibrations clinic, IReadOnlySet<string> subscribedEvents)
    {
        using var span = Telemetry.Source.StartActivity(Telemetry.AlertReplay);
        var patientId = patient.Id;
        var series = AllianceSeries.Group(rows);
        var keys = series.Keys.Select(k => (k.Instrument, k.Rater))
            .Union(stored.Select(a => (a.Instrument, a.Rater)))
            .ToList();
        if (keys.Count == 0)
        {
            return 0;
        }

        var now = Timestamps.Now(clock);
        var changes = new List<(Alert Alert, bool Created)>();
        foreach (var (instrumentCode, rater) in keys)
        {
            var instrument = InstrumentCatalog.Find(instrumentCode)!;
            var history = series.GetValueOrDefault((patientId, instrumentCode, rater)) ?? [];
            var detected = Detect(instrument, rater, history, clinic, series, patientId)
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
                    Telemetry.AlertsRaised.Add(1, new KeyValuePair<string, object?>("alert.kind", created.Kind.StoredName()));
                    changes.Add((created, true));
                }
            }

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

        // Saved by the unit of work at commit, with the session and the audit entry.
        return changes.Count;
    }

    /// <summary>Alliance measures and the outcome measures a deterioration can be judged on, read in one query.</summary>
    public static readonly IReadOnlyList<string> AlertedInstruments =
        [.. AllianceSeries.Instruments, .. InstrumentCatalog.WithReliableChange.Select(i => i.Code)];

    private static IReadOnlyList<DetectedAlert> Detect(
        InstrumentDefinition instrument, Rater rater, List<RatedSession> history, ClinicCalibrations clinic,
        Dictionary<(Guid Patient, string Instrument, Rater Rater), List<RatedSession>> series, Guid patientId)
    {
        if (instrument.MeasuresAlliance)
        {
            var run = RuptureDetector.Run(history, instrument, clinic.Current(instrument.Code, rater), clinic.Settings);
            if (rater != Rater.Client || !run.Alerts.Any(a => a.Kind == AlertKind.Rupture)
                || TherapistSide(instrument, series, patientId) is not { } therapist)
            {
                return run.Alerts;
            }

            // Unnoticed drops are stored on the client's series, where the rupture that raised them is.
            var therapistRun = RuptureDetector.Run(therapist.History, therapist.Form, clinic.Current(therapist.Form.Code, Rater.Therapist), clinic.Settings);
            return [.. run.Alerts, .. UnnoticedDropRule.Find(run, therapistRun, therapist.Form, clinic.Settings)];
        }

        // Reliable change is a patient-reported standard: the published values are for the patient's own form.
        return rater == Rater.Client ? DeteriorationRule.Replay(history, instrument, clinic.Settings) : [];
    }

    /// <summary>
    /// The therapist's ratings opposite a client alliance series: the first of <see cref="TherapistForms.Of"/> this
    /// patient's therapist has rated (WAI-SR-T for the WAI-SR, else the same form rated by the therapist).
    /// </summary>
    private static (InstrumentDefinition Form, List<RatedSession> History)? TherapistSide(
        InstrumentDefinition clientForm, Dictionary<(Guid Patient, string Instrument, Rater Rater), List<RatedSession>> series, Guid patientId)
    {
        foreach (var code in TherapistForms.Of(clientForm.Code))
        {
            if (series.TryGetValue((patientId, code, Rater.Therapist), out var history) && history.Count > 0)
            {
                return (InstrumentCatalog.Find(code)!, history);
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
