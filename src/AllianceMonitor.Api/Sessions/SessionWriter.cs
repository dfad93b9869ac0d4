using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using AllianceMonitor.Api.Series;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Sessions;

/// <summary>
/// Applies a session PUT: the body is the session's full state. An unchanged form keeps its revision, a changed
/// one gets a new revision, a form no longer sent stops being in force; nothing is overwritten or deleted.
/// It runs inside the request's <see cref="UnitOfWork"/>, which saves the session, its new revisions, the alerts,
/// the series' detector states, their webhook events and the audit entry in one SaveChanges and commits; the patient row lock taken here holds
/// until then. Round trips of a PUT (the authentication lookup aside): one read batch (<see cref="SessionReadBatch"/>),
/// one UPDATE when a revision is superseded, and the unit of work's save; an unchanged PUT saves only its audit entry.
/// </summary>
public sealed class SessionWriter(
    AllianceDbContext db, UnitOfWork unitOfWork, CalibrationStore calibrations, AlertSync alerts, CommittedCounts counts, TimeProvider clock)
{
    /// <exception cref="InvalidOperationException">Called outside a unit of work.</exception>
    public async Task<(Session Session, bool Created)> PutAsync(Guid clinicId, PutSessionRequest request, CancellationToken cancellationToken)
    {
        unitOfWork.ThrowIfNotOpen(nameof(SessionWriter));
        using var span = Telemetry.Source.StartActivity(Telemetry.SessionWrite);
        var body = request.Body;

        // A unit of work that writes several sessions (the demo seeder, an import) saves the previous one first: the
        // read batch below reads from the database, and the next session's alerts replay the previous session's ratings.
        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        var now = Timestamps.Now(clock);
        var state = await SessionReadBatch.ReadAsync(
            db, calibrations, clinicId, request.PatientId, request.SessionNumber, body.TherapistId, AlertSync.AlertedInstruments, now, cancellationToken);
        var change = Apply(db, state.Patient, state.Therapist, state.Session, request, now);
        var session = change.Session;
        if (!change.Changed)
        {
            return (session, false);
        }

        await SupersedeAsync(change.Superseded, now, cancellationToken);

        // In the same transaction: a session is never stored without its alerts, nor an alert without its session. The
        // judgement runs on the rows read above with this session's forms in force merged in, not on a second read; a series
        // whose stored detector state ends before this session is judged from that state on this session alone.
        var rows = state.OtherSessionRows.Concat(InForce(session, state.Patient.Id)).ToList();
        await alerts.ReconcileAsync(
            clinicId, state.Patient, request.SessionNumber, rows, state.DetectorStates, state.Alerts, state.Calibrations, state.SubscribedEvents, cancellationToken);
        counts.Add(Telemetry.SessionsIngested, "outcome", change.Created ? "created" : "revised");
        return (session, change.Created);
    }

    /// <summary>
    /// The body applied to the session in memory, without database access: the session created (added to the context)
    /// or its details updated, the patient given the body's therapist if it has none, the changed forms' new revisions
    /// added and the revisions they replace stamped superseded (<see cref="Change.Superseded"/>: the caller writes that
    /// stamp before the context saves, and marks it saved with <see cref="MarkSuperseded"/>). The session import applies
    /// many bodies this way in one context, each session at most once.
    /// </summary>
    /// <param name="patient">Tracked, locked.</param>
    /// <param name="therapist">The body's therapist, tracked; null when the body names none.</param>
    /// <param name="session">The stored session with every revision of its forms, tracked; null for a new session.</param>
    internal static Change Apply(AllianceDbContext db, Patient patient, Therapist? therapist, Session? session, PutSessionRequest request, DateTimeOffset now)
    {
        var body = request.Body;
        var changed = false;

        // The navigation as well as the key: in a context that applies several bodies, the key is set only when it saves.
        if (patient.TherapistId is null && patient.Therapist is null && therapist is not null)
        {
            patient.Therapist = therapist;
            changed = true;
        }

        var created = session is null;
        if (session is null)
        {
            session = new Session { PatientId = patient.Id, Number = request.SessionNumber, CreatedAt = now };
            db.Sessions.Add(session);
            changed = true;
        }

        changed |= UpdateDetails(session, body, therapist);
        var superseded = new List<Measurement>();
        var additions = new List<Measurement>();
        var incoming = body.Measurements!
            .Select(input => (input, instrument: InstrumentCatalog.Find(input.Instrument)!))
            .ToDictionary(x => FormKey.Of(x.input, x.instrument));

        foreach (var current in session.Measurements.Where(m => m.SupersededAt is null))
        {
            var key = (current.Instrument, current.Rater, current.Timing);
            if (!incoming.TryGetValue(key, out var form) || !IsSameForm(current, form.instrument, form.input))
            {
                superseded.Add(current);
            }
        }

        foreach (var (key, (input, instrument)) in incoming)
        {
            var revisions = session.Measurements.Where(m => (m.Instrument, m.Rater, m.Timing) == key).ToList();
            if (revisions.Any(m => m.SupersededAt is null && !superseded.Contains(m)))
            {
                continue;
            }

            var score = InstrumentScorer.Score(instrument, input.Items, input.Total);
            additions.Add(new Measurement
            {
                SessionId = session.Id,
                PatientId = session.PatientId,
                SessionNumber = session.Number,
                Instrument = key.Instrument,
                Rater = key.Rater,
                Timing = key.Timing,
                Revision = revisions.Count == 0 ? 1 : revisions.Max(m => m.Revision) + 1,
                Items = input.Items is null ? null : InstrumentScorer.NormalizeItems(instrument, input.Items),
                Total = score.Total,
                Subscales = new Dictionary<string, double>(score.Subscales),
                Band = score.Band,
                ReceivedAt = now,
            });
        }

        if (additions.Count == 0 && superseded.Count == 0 && !changed)
        {
            return new Change(session, Created: false, Changed: false, [], []);
        }

        session.UpdatedAt = now;
        foreach (var measurement in superseded)
        {
            measurement.SupersededAt = now;
        }

        session.Measurements.AddRange(additions);
        return new Change(session, created, Changed: true, superseded, additions);
    }

    /// <summary>What <see cref="Apply"/> did.</summary>
    /// <param name="Changed">False when the body equals what is stored: nothing was changed and nothing is to be saved.</param>
    /// <param name="Superseded">Stored revisions stamped superseded in memory; the caller writes the stamp.</param>
    /// <param name="Additions">The new revisions, added to the session's forms.</param>
    internal sealed record Change(Session Session, bool Created, bool Changed, IReadOnlyList<Measurement> Superseded, IReadOnlyList<Measurement> Additions);

    /// <summary>
    /// The one write of a session PUT before the unit of work's save, and why it is separate: the filtered unique
    /// index on measurements allows one revision in force per form, and EF does not order an update that leaves a
    /// filtered index before the insert that enters it. The tracked rows are then marked as saved, so the unit of
    /// work's save does not write them again.
    /// </summary>
    private async Task SupersedeAsync(IReadOnlyList<Measurement> superseded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (superseded.Count == 0)
        {
            return;
        }

        var ids = superseded.Select(m => m.Id).ToArray();
        await db.Measurements.Where(m => ids.Contains(m.Id) && m.SupersededAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.SupersededAt, now), cancellationToken);
        MarkSuperseded(db, superseded, now);
    }

    /// <summary>The superseded stamp as saved, so the context's save does not write it again.</summary>
    internal static void MarkSuperseded(AllianceDbContext db, IEnumerable<Measurement> superseded, DateTimeOffset now)
    {
        foreach (var measurement in superseded)
        {
            var property = db.Entry(measurement).Property(m => m.SupersededAt);
            property.OriginalValue = now;
            property.IsModified = false;
        }
    }

    /// <summary>The session's ratings in force of the alerted instruments, as <see cref="AllianceSeries.LoadAsync"/> would read them back.</summary>
    internal static IEnumerable<RatingRow> InForce(Session session, Guid patientId) =>
        session.Measurements
            .Where(m => m.SupersededAt is null && AlertSync.AlertedInstruments.Contains(m.Instrument))
            .Select(m => new RatingRow(patientId, session.Number, m.Instrument, m.Rater, m.Timing, m.Total));

    /// <returns>Whether any detail changed.</returns>
    private static bool UpdateDetails(Session session, SessionBody body, Therapist? therapist)
    {
        var changed = (session.OccurredOn, session.Modality, session.TherapistId) != (body.OccurredOn, body.Modality, therapist?.Id);
        session.OccurredOn = body.OccurredOn;
        session.Modality = body.Modality;
        session.Therapist = therapist;
        session.TherapistId = therapist?.Id;
        return changed;
    }

    private static bool IsSameForm(Measurement current, InstrumentDefinition instrument, MeasurementInput input) =>
        instrument.TotalOnly
            ? input.Total == current.Total
            : current.Items is not null && input.Items is not null
              && current.Items.SequenceEqual(InstrumentScorer.NormalizeItems(instrument, input.Items));
}
