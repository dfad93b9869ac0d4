using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;

namespace AllianceMonitor.Api.Auditing;

/// <summary>
/// The request's audit entry: who did what to which patient and how it ended. A request that commits carries its
/// entry inside its unit of work; an attempt that did not commit (rejected before the unit of work, rolled back,
/// or failed) is recorded on its own afterwards, so every attempt leaves exactly one entry.
/// </summary>
public sealed class AuditTrail(AllianceDbContext db) : IUnitOfWorkParticipant
{
    private (string Action, Caller Caller, string? PatientRef)? _attempt;
    private bool _committedWithWork;

    internal void Begin(string action, Caller caller, string? patientRef) => _attempt = (action, caller, patientRef);

    /// <summary>
    /// For a handler that learns more than its route says: which step a dashboard form chose, and which patient the
    /// alert it acted on belongs to.
    /// </summary>
    internal void Refine(string action, string? patientRef)
    {
        if (_attempt is { } attempt)
        {
            _attempt = (action, attempt.Caller, patientRef ?? attempt.PatientRef);
        }
    }

    void IUnitOfWorkParticipant.BeforeCommit(int status)
    {
        if (_attempt is { } attempt)
        {
            db.AuditLog.Add(Entry(attempt, status));
            _committedWithWork = true;
        }
    }

    /// <summary>Records the attempt unless its unit of work already committed the entry.</summary>
    internal async Task RecordUnlessCommittedAsync(int status)
    {
        if (_committedWithWork || _attempt is not { } attempt)
        {
            return;
        }

        // Whatever the failed work left tracked is not saved with the entry.
        db.ChangeTracker.Clear();
        db.AuditLog.Add(Entry(attempt, status));
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>The work failed, possibly after the entry was staged: its transaction rolled back, so record anew.</summary>
    internal Task RecordFailureAsync()
    {
        _committedWithWork = false;
        return RecordUnlessCommittedAsync(StatusCodes.Status500InternalServerError);
    }

    private static AuditEntry Entry((string Action, Caller Caller, string? PatientRef) attempt, int status) => new()
    {
        ApiKeyId = attempt.Caller.KeyId,
        ClinicId = attempt.Caller.ClinicId,
        Action = attempt.Action,
        PatientRef = attempt.PatientRef,
        Outcome = status,
    };
}
