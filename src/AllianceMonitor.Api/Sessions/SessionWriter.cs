using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Sessions;

/// <summary>
/// Applies a session PUT: the body is the session's full state. An unchanged form keeps its revision, a changed
/// one gets a new revision, a form no longer sent stops being in force; nothing is overwritten or deleted.
/// It runs inside the request's <see cref="UnitOfWork"/>, which saves the alerts, their webhook events and the
/// audit entry and commits; the patient row lock taken here holds until then.
/// </summary>
public sealed class SessionWriter(AllianceDbContext db, UnitOfWork unitOfWork, PatientStore patients, AlertSync alerts, TimeProvider clock)
{
    /// <exception cref="InvalidOperationException">Called outside a unit of work.</exception>
    public async Task<(Session Session, bool Created)> PutAsync(Guid clinicId, PutSessionRequest request, CancellationToken cancellationToken)
    {
        unitOfWork.ThrowIfNotOpen(nameof(SessionWriter));
        using var span = Telemetry.Source.StartActivity(Telemetry.SessionWrite);
        var body = request.Body;
        var (patient, _) = await patients.LockOrCreateAsync(clinicId, request.PatientId, cancellationToken);
        var therapist = await patients.EnsureTherapistAsync(clinicId, body.TherapistId, cancellationToken);
        if (patient.TherapistId is null && therapist is not null)
        {
            patient.Therapist = therapist;
        }

        var now = Timestamps.Now(clock);
        var session = await db.Sessions
            .Include(s => s.Therapist)
            .Include(s => s.Measurements)
            .SingleOrDefaultAsync(s => s.PatientId == patient.Id && s.Number == request.SessionNumber, cancellationToken);
        var created = session is null;
        if (session is null)
        {
            session = new Session { PatientId = patient.Id, Number = request.SessionNumber, CreatedAt = now };
            db.Sessions.Add(session);
        }

        UpdateDetails(session, body, therapist);
        var additions = new List<Measurement>();
        var incoming = body.Measurements!
            .Select(input => (input, instrument: InstrumentCatalog.Find(input.Instrument)!))
            .ToDictionary(x => FormKey.Of(x.input, x.instrument));

        foreach (var current in session.Measurements.Where(m => m.SupersededAt is null))
        {
            var key = (current.Instrument, current.Rater, current.Timing);
            if (!incoming.TryGetValue(key, out var form) || !IsSameForm(current, form.instrument, form.input))
            {
                current.SupersededAt = now;
            }
        }

        foreach (var (key, (input, instrument)) in incoming)
        {
            var revisions = session.Measurements.Where(m => (m.Instrument, m.Rater, m.Timing) == key).ToList();
            if (revisions.Any(m => m.SupersededAt is null))
            {
                continue;
            }

            var score = InstrumentScorer.Score(instrument, input.Items, input.Total);
            additions.Add(new Measurement
            {
                SessionId = session.Id,
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

        if (additions.Count == 0 && !db.ChangeTracker.HasChanges())
        {
            return (session, false);
        }

        session.UpdatedAt = now;
        await FlushAsync(session, additions, cancellationToken);

        // In the same transaction: a session is never stored without its alerts, nor an alert without its session.
        await alerts.RunAsync(clinicId, patient, request.SessionNumber, cancellationToken);
        Telemetry.SessionsIngested.Add(1, new KeyValuePair<string, object?>("outcome", created ? "created" : "revised"));
        return (session, created);
    }

    /// <summary>
    /// The only saves of a session PUT before the unit of work's own, and why each is forced:
    /// 1. superseding first: the filtered unique index on measurements allows one revision in force per form, and EF
    ///    does not order an update that leaves a filtered index before the insert that enters it;
    /// 2. the new revisions next, because the alert replay reads the patient's series back from the database.
    /// Everything after (alerts, webhook events, the audit entry) is saved once, when the unit of work commits.
    /// </summary>
    private async Task FlushAsync(Session session, List<Measurement> additions, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        session.Measurements.AddRange(additions);
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void UpdateDetails(Session session, SessionBody body, Therapist? therapist)
    {
        session.OccurredOn = body.OccurredOn;
        session.Modality = body.Modality;
        session.Therapist = therapist;
        session.TherapistId = therapist?.Id;
    }

    private static bool IsSameForm(Measurement current, InstrumentDefinition instrument, MeasurementInput input) =>
        instrument.TotalOnly
            ? input.Total == current.Total
            : current.Items is not null && input.Items is not null
              && current.Items.SequenceEqual(InstrumentScorer.NormalizeItems(instrument, input.Items));
}
