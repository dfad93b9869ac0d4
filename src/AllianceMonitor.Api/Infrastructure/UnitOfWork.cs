using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// One request, one transaction. The writes a request makes are tracked by the context and saved once, at commit;
/// code that needs the ambient transaction (row locks, the alert replay) checks for it with <see cref="ThrowIfNotOpen"/>.
/// Participants (the audit entry) add their rows just before that single save, so they commit with the writes they
/// describe or not at all.
/// </summary>
public sealed class UnitOfWork(AllianceDbContext db, IEnumerable<IUnitOfWorkParticipant> participants)
{
    public bool IsOpen => db.Database.CurrentTransaction is not null;

    /// <summary>Runs <paramref name="work"/> in a transaction; commits when its outcome is below 400, else rolls back.</summary>
    /// <param name="outcome">The HTTP status the result stands for, passed to the participants.</param>
    /// <param name="lastUse">
    /// Whether nothing uses the context's tracked entities after this unit (a request's unit: the context goes back to
    /// its pool next). The entities are then let go after the commit instead of being marked saved one by one (EF's
    /// AcceptAllChanges after the save: about 2% of a session PUT's CPU, profiled 2026-12-03), as the pool's reset would
    /// let them go anyway. A caller that runs further units on the context leaves it false, so the saved entities stay
    /// tracked as unchanged for them.
    /// </param>
    public async Task<T> ExecuteAsync<T>(Func<Task<T>> work, Func<T, int> outcome, CancellationToken cancellationToken, bool lastUse = false)
    {
        if (IsOpen)
        {
            throw new InvalidOperationException("A unit of work is already open on this request's database context; they do not nest.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // EF would wrap every SaveChanges in the transaction in a savepoint (two more round trips each) so that a failed
        // save could be retried within it. Nothing here retries: a failure rolls the whole unit back.
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try
        {
            var result = await work();
            var status = outcome(result);
            if (status >= StatusCodes.Status400BadRequest)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                RolledBack();
                return result;
            }

            foreach (var participant in participants)
            {
                participant.BeforeCommit(status);
            }

            await db.SaveChangesAsync(acceptAllChangesOnSuccess: !lastUse, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (lastUse)
            {
                // Still "added" or "modified" as far as the context knows: a later save would write them again.
                db.ChangeTracker.Clear();
            }

            foreach (var participant in participants)
            {
                participant.Committed();
            }

            return result;
        }
        catch
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            RolledBack();
            throw;
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = savepoints;
        }
    }

    private void RolledBack()
    {
        foreach (var participant in participants)
        {
            participant.RolledBack();
        }
    }

    /// <summary>For work outside a request (the demo seeder): commits unless it throws.</summary>
    public Task ExecuteAsync(Func<Task> work, CancellationToken cancellationToken) =>
        ExecuteAsync(
            async () =>
            {
                await work();
                return true;
            },
            _ => StatusCodes.Status200OK,
            cancellationToken);

    /// <exception cref="InvalidOperationException">Called outside a unit of work.</exception>
    public void ThrowIfNotOpen(string who)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException(
                $"{who} must run inside a unit of work: its row locks and its several reads and writes are only correct " +
                "within one transaction. Map the endpoint in a group with WithUnitOfWork(), or wrap the call in UnitOfWork.ExecuteAsync.");
        }
    }
}

/// <summary>
/// Something that adds its own rows to a unit of work just before it commits (the audit entry does), or acts only once
/// the work is committed or rolled back (<see cref="Observability.CommittedCounts"/>).
/// </summary>
public interface IUnitOfWorkParticipant
{
    void BeforeCommit(int status)
    {
    }

    void Committed()
    {
    }

    void RolledBack()
    {
    }
}
