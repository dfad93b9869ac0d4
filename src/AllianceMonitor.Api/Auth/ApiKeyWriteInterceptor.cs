using System.Data.Common;
using System.Runtime.CompilerServices;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// When a key written through EF Core in a transaction is committed, empties this instance's <see cref="ApiKeyCache"/>
/// at once and then waits (at most <see cref="ApiKeyCacheOptions.AcknowledgementWait"/>) until every listening instance has acknowledged
/// emptying its own, so the response that reports a revocation is sent only when no instance still accepts the key.
/// </summary>
/// <remarks>
/// Without the wait, a client revoking a key on one instance and using it on another at once races the notice: a few
/// milliseconds, and in the two-instance test the notice lost now and then, even when the writer waited for its own
/// listener's notice. Before the commit the writer counts the listeners (<c>pg_stat_activity</c>, by the listener's
/// application name) and notes its backend id, which the notices carry and the listeners echo on
/// <see cref="ApiKeyChangeListener.AcknowledgementChannel"/>. Key writes are rare; no other write waits.
/// A write with no transaction of its own (a single-statement SaveChanges) or a synchronous commit only empties this
/// instance's cache; the other instances follow at the notice.
/// </remarks>
internal sealed class ApiKeyWriteInterceptor(ApiKeyCache cache, IOptions<ApiKeyCacheOptions> options) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private const string ListenersSql =
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = @name AND datname = current_database()";

    /// <summary>Contexts that saved key changes not yet committed, with what the wait after the commit needs.</summary>
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
            Committed(eventData.Context, transaction: null);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            await CommittedAsync(eventData.Context, transaction: null);
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        // Acknowledgements are heard by this instance's listener: without it there is nothing to wait for.
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var pending) && pending.Belongs(eventData.TransactionId)
            && transaction is NpgsqlTransaction { Connection: { } connection } npgsqlTransaction && cache.IsListening)
        {
            await using var count = new NpgsqlCommand(ListenersSql, connection, npgsqlTransaction);
            count.Parameters.AddWithValue("name", ApiKeyChangeListener.ApplicationName);
            pending.Listeners = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            pending.Writer = connection.ProcessID;
            pending.AcknowledgementsBefore = cache.AcknowledgementsOf(pending.Writer);
        }

        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        Committed(eventData.Context, eventData.TransactionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        CommittedAsync(eventData.Context, eventData.TransactionId);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        if (context is not null && HasKeyChanges(context.ChangeTracker))
        {
            _pending.AddOrUpdate(context, new Pending { Transaction = context.Database.CurrentTransaction?.TransactionId });
        }
    }

    /// <summary>
    /// Whether a tracked key is added, changed or deleted. Only the keys' own changes are detected (so a RevokedAt set on
    /// a tracked key counts): Entries() would first detect changes on every tracked entity, which the save does again
    /// right after this, and which cost a session PUT about 3% of its CPU (profiled 2026-12-03).
    /// </summary>
    private static bool HasKeyChanges(ChangeTracker tracker)
    {
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries<ApiKey>())
            {
                if (detect && entry.State is EntityState.Unchanged or EntityState.Modified)
                {
                    entry.DetectChanges();
                }

                if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private void Committed(DbContext? context, Guid? transaction)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            if (pending.Belongs(transaction))
            {
                cache.Invalidate();
            }
        }
    }

    private async Task CommittedAsync(DbContext? context, Guid? transaction)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            if (!pending.Belongs(transaction))
            {
                return;
            }

            cache.Invalidate();
            if (pending.Listeners > 0)
            {
                // No cancellation: the write is committed, and a cancelled wait must not look like a failed commit.
                await cache.WaitForAcknowledgementsAsync(pending.Writer, pending.AcknowledgementsBefore + pending.Listeners, options.Value.AcknowledgementWait);
            }
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private sealed class Pending
    {
        /// <summary>
        /// The transaction the key change was saved in; null for a save in a transaction of its own, which the context's
        /// next commit ends. Contexts are pooled and reused by later requests: a transaction that ended without a commit
        /// or rollback callback (disposed, or its commit failed) leaves its entry behind, and a later request's commit
        /// must neither empty the cache for it nor wait for acknowledgements that will never come.
        /// </summary>
        public Guid? Transaction { get; init; }

        public bool Belongs(Guid? committed) => Transaction is null || Transaction == committed;

        public long Listeners { get; set; }
        public int Writer { get; set; }
        public long AcknowledgementsBefore { get; set; }
    }
}
