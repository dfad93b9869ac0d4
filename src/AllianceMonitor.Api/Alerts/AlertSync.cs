using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Series;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Alerts;

/// <summary>
/// The live path: after a session write, replays the patient's alliance series through the detector and brings the
/// stored alerts in line, inside the request's unit of work. Alerts are keyed by (series, kind, session), so a
/// corrected session updates or withdraws its alert and never adds a second one. Alerts raised before the changed
/// session keep the evidence they were raised with; only their repair tracking moves on.
/// </summary>
public sealed class AlertSync(AllianceDbContext db, CalibrationStore calibrations, TimeProvider clock)
{
    /// <returns>How many alerts were created, updated or withdrawn; each has an outbox event for the webhooks.</returns>
    public async Task<int> RunAsync(Guid clinicId, Patient patient, int changedSession, CancellationToken cancellationToken)
    {
        var patientId = patient.Id;
        var rows = await AllianceSeries.LoadAsync(db, clinicId, patientId, AllianceSeries.Instruments, cancellationToken);
        var series = AllianceSeries.Group(rows);
        var stored = await db.Alerts.Where(a => a.PatientId == patientId).ToListAsync(cancellationToken);
        var keys = series.Keys.Select(k => (k.Instrument, k.Rater))
            .Union(stored.Select(a => (a.Instrument, a.Rater)))
            .ToList();
        if (keys.Count == 0)
        {
            return 0;
        }

        // Settings and every series' calibration in one read for the whole replay, not one query per series.
        var clinic = await calibrations.ForClinicAsync(clinicId, cancellationToken);
        var now = Timestamps.Now(clock);
        var changes = new List<(Alert Alert, bool Created)>();
        foreach (var (instrumentCode, rater) in keys)
        {
            var instrument = InstrumentCatalog.Find(instrumentCode)!;
            var history = series.GetValueOrDefault((patientId, instrumentCode, rater)) ?? [];
            var detected = RuptureDetector.Replay(history, instrument, clinic.Current(instrumentCode, rater), clinic.Settings)
                .ToDictionary(a => (AlertKinds.Name(a.Evidence.Kind), a.Evidence.Session));
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
            AlertEvents.Enqueue(db, alert, patient, created);
        }

        // Saved by the unit of work at commit, with the session and the audit entry.
        return changes.Count;
    }

    private static Alert Create(Guid clinicId, Guid patientId, string instrument, string rater, DetectedAlert detected, DateTimeOffset now)
    {
        var alert = new Alert
        {
            ClinicId = clinicId,
            PatientId = patientId,
            Instrument = instrument,
            Rater = rater,
            Kind = AlertKinds.Name(detected.Evidence.Kind),
            Session = detected.Evidence.Session,
            Rule = detected.Evidence.Rule,
            Explanation = detected.Evidence.Explanation,
            CreatedAt = now,
            UpdatedAt = now,
        };
        CopyEvidence(alert, detected.Evidence);
        CopyTracking(alert, detected);
        return alert;
    }

    /// <returns>Whether anything a reader can see changed.</returns>
    private static bool Apply(Alert row, DetectedAlert detected, bool refreshEvidence, DateTimeOffset now)
    {
        var before = Snapshot(row);
        if (refreshEvidence)
        {
            CopyEvidence(row, detected.Evidence);
        }

        CopyTracking(row, detected);
        if (row.Status == AlertStatus.Withdrawn)
        {
            // The correction that withdrew it has itself been corrected: the same alert is back, not a new one.
            row.Status = AlertStatus.Open;
        }

        if (Equals(Snapshot(row), before))
        {
            return false;
        }

        row.UpdatedAt = now;
        return true;
    }

    private static void CopyEvidence(Alert row, AlertEvidence e)
    {
        row.Observed = e.Observed;
        row.Baseline = e.Baseline;
        row.DropInSds = e.DropInSds;
        row.Threshold = e.Threshold;
        row.Rule = e.Rule;
        row.RuleVersion = e.RuleVersion;
        row.CalibrationVersion = e.CalibrationVersion;
        row.DefaultCalibration = e.DefaultCalibration;
        row.ExpectedSymptomChange = e.ExpectedSymptomChange;
        row.Explanation = e.Explanation;
    }

    private static void CopyTracking(Alert row, DetectedAlert detected)
    {
        row.RuptureStatus = detected.Status is { } status ? AlertKinds.Name(status) : null;
        row.StatusSession = detected.StatusSession;
        row.Severity = detected.Severity;
    }

    private static object Snapshot(Alert a) => (
        a.Status, a.RuptureStatus, a.StatusSession, a.Severity,
        (a.Observed, a.Baseline, a.DropInSds, a.Threshold, a.Rule, a.RuleVersion, a.CalibrationVersion, a.DefaultCalibration, a.ExpectedSymptomChange, a.Explanation));
}
