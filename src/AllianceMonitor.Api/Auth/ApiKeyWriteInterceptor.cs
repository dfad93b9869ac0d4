using System.Data.Common;
using System.Runtime.CompilerServices;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// When a key written through EF Core is committed, empties this instance's <see cref="ApiKeyCache"/> at once and then
/// waits (at most <see cref="NoticeWait"/>) for the database's notice of the write to reach this instance's listener,
/// so the response that reports a revocation is sent only once every listening instance has been told of it.
/// </summary>
/// <remarks>
/// Without the wait, a client revoking a key on one instance and using it on another at once would race the notice
/// (it took a few milliseconds, and lost, in the two-instance test). Key writes are rare; no other write waits.
/// </remarks>
internal sealed class ApiKeyWriteInterceptor(ApiKeyCache cache) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public static readonly TimeSpan NoticeWait = TimeSpan.FromSeconds(1);

    /// <summary>Contexts that saved key changes not yet committed, with the notices received before the commit.</summary>
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            Committed(eventData.Context);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            await CommittedAsync(eventData.Context);
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        Committing(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Committing(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        CommittedAsync(eventData.Context);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        // Entries() detects changes first, so a RevokedAt set on a tracked key counts.
        if (context is not null && context.ChangeTracker.Entries<ApiKey>().Any(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted))
        {
            _pending.AddOrUpdate(context, new Pending(cache.NoticesReceived));
        }
    }

    /// <summary>The notice of this commit cannot arrive before the commit: count from here.</summary>
    private void Committing(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            pending.NoticesBefore = cache.NoticesReceived;
        }
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out _))
        {
            _pending.Remove(context);
            cache.Invalidate();
        }
    }

    private async Task CommittedAsync(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            cache.Invalidate();
            // Not the request's token: the write is committed, and a cancelled wait must not look like a failed commit.
            await cache.WaitForNoticeAsync(pending.NoticesBefore, NoticeWait, CancellationToken.None);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private sealed class Pending(long noticesBefore)
    {
        public long NoticesBefore { get; set; } = noticesBefore;
    }
}
