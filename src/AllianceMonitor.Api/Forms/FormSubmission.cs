using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Forms;

/// <summary>How a submission ended.</summary>
public enum SubmissionOutcome
{
    Stored,
    AlreadySubmitted,
    NoLongerOpen,
    Rejected,
}

/// <summary>
/// Stores a completed form exactly as the equivalent session PUT would: the session's current state (its details and
/// every form in force) with this link's forms added or replacing the same instrument, rater and timing, validated
/// by <see cref="PutSessionValidator"/> and written by <see cref="SessionWriter"/> (scoring, revisions, detection,
/// alerts and their webhooks). The link is marked used, the <c>form.completed</c> event queued and the audit entry
/// added in the same transaction, so a replayed or concurrent post finds the link used and changes nothing.
/// </summary>
public sealed class FormSubmission(
    AllianceDbContext db, UnitOfWork unitOfWork, PatientStore patients, SessionWriter writer, IValidator<PutSessionRequest> validator, TimeProvider clock)
{
    public Task<SubmissionOutcome> SubmitAsync(Guid linkId, IReadOnlyDictionary<string, string> answers, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(
            () => StoreAsync(linkId, answers, cancellationToken),
            outcome => outcome == SubmissionOutcome.Stored ? StatusCodes.Status200OK : StatusCodes.Status409Conflict,
            cancellationToken);

    private async Task<SubmissionOutcome> StoreAsync(Guid linkId, IReadOnlyDictionary<string, string> answers, CancellationToken cancellationToken)
    {
        var link = await db.FormLinks.Include(l => l.Patient).SingleOrDefaultAsync(l => l.Id == linkId, cancellationToken);
        if (link is null)
        {
            // The patient was erased, and the link with them, after the page was loaded.
            return SubmissionOutcome.NoLongerOpen;
        }

        // The patient's row lock first, as every session write takes it: a second link of the same session (the
        // therapist's, say) submitted at the same moment reads the session only after this one has committed.
        var (patient, _) = await patients.LockOrCreateAsync(link.ClinicId, link.Patient!.ExternalId, cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT id FROM form_links WHERE id = {linkId} FOR UPDATE", cancellationToken);
        var current = await db.FormLinks.AsNoTracking().Where(l => l.Id == linkId)
            .Select(l => new { l.SubmittedAt, l.RevokedAt, l.ExpiresAt }).SingleAsync(cancellationToken);
        var now = Timestamps.Now(clock);
        if (current.SubmittedAt is not null)
        {
            return SubmissionOutcome.AlreadySubmitted;
        }

        if (current.RevokedAt is not null || now >= current.ExpiresAt)
        {
            return SubmissionOutcome.NoLongerOpen;
        }

        var request = await EquivalentPutAsync(link, patient, answers, now, cancellationToken);
        if (!(await validator.ValidateAsync(request, cancellationToken)).IsValid)
        {
            return SubmissionOutcome.Rejected;
        }

        await writer.PutAsync(link.ClinicId, request, cancellationToken);
        await db.FormLinks.Where(l => l.Id == linkId).ExecuteUpdateAsync(s => s.SetProperty(l => l.SubmittedAt, now), cancellationToken);
        FormEvents.Enqueue(db, link, patient.ExternalId, now);
        db.AuditLog.Add(FormAudit.Entry("form.submit", link.ClinicId, patient.ExternalId, StatusCodes.Status200OK));
        return SubmissionOutcome.Stored;
    }

    /// <summary>The PUT a platform would send to add these forms to the session as it stands.</summary>
    private async Task<PutSessionRequest> EquivalentPutAsync(
        FormLink link, Patient patient, IReadOnlyDictionary<string, string> answers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await db.Sessions.AsNoTracking()
            .Include(s => s.Therapist)
            .Include(s => s.Measurements.Where(m => m.SupersededAt == null))
            .SingleOrDefaultAsync(s => s.PatientId == patient.Id && s.Number == link.SessionNumber, cancellationToken);

        var added = link.Instruments.OrderBy(i => i.Position)
            .Select(i => new MeasurementInput(i.Instrument, link.Rater.StoredName(), i.Timing.StoredName(), FormAnswers.Items(answers, i)))
            .ToList();
        var replaced = added.Select(m => (m.Instrument, m.Rater, m.Timing)).ToHashSet();
        var kept = (session?.Measurements ?? [])
            .OrderBy(m => m.Id)
            .Select(m => new MeasurementInput(m.Instrument, m.Rater.StoredName(), m.Timing.StoredName(), m.Items, m.Items is null ? m.Total : null))
            .Where(m => !replaced.Contains((m.Instrument, m.Rater, m.Timing)));

        // A session the platform has not sent yet happens today, as far as the form knows.
        var occurredOn = session is null ? DateOnly.FromDateTime(now.UtcDateTime) : session.OccurredOn;
        var body = new SessionBody(occurredOn, session?.Modality, session?.Therapist?.ExternalId, [.. kept, .. added]);
        return new PutSessionRequest(patient.ExternalId, link.SessionNumber, body);
    }
}

/// <summary>Audit entries of the form pages, which no key calls: they carry the link's clinic and patient, and no key.</summary>
public static class FormAudit
{
    public static AuditEntry Entry(string action, Guid? clinicId, string? patientRef, int outcome) => new()
    {
        ClinicId = clinicId,
        Action = action,
        PatientRef = patientRef,
        Outcome = outcome,
    };
}
