using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>
/// Turns committed outbox events into deliveries and sends the due ones. Rows are claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>, so any number of service instances can run this side by side without two of them
/// taking the same event or delivery. Delivery is at least once: a crash between sending and recording the answer
/// means the attempt is made again, with the same <c>webhook-id</c> for the receiver to deduplicate on.
/// </summary>
public sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    WebhookSender sender,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    DatabaseOutage outage,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 50;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var more = false;
            try
            {
                more = await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && DatabaseUnavailable.IsOutage(e))
            {
                // Logged once per outage, not every poll; the next round tries again and nothing is lost.
                outage.Report(e);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, e);
            }

            if (!more)
            {
                try
                {
                    await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <returns>True when a batch was full, so there may be more to do at once.</returns>
    internal async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        if (clock.GetUtcNow() >= _nextPrune)
        {
            await WebhookRetention.PruneAsync(db, clock.GetUtcNow(), options.Value.Retention, cancellationToken);
            _nextPrune = clock.GetUtcNow() + PruneEvery;
        }

        var fannedOut = await FanOutAsync(db, cancellationToken);
        var attempted = await DeliverDueAsync(db, cancellationToken);
        return fannedOut == BatchSize || attempted == BatchSize;
    }

    /// <summary>
    /// One statement, so either the deliveries exist and the events are marked dispatched, or neither. An event goes to
    /// its target (a ping) or to every subscription of its clinic that asked for its type and existed when it happened.
    /// </summary>
    private Task<int> FanOutAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.Database.ExecuteSqlAsync(
            $"""
            WITH batch AS (
                SELECT id, clinic_id, type, subscription_id, created_at FROM webhook_outbox
                WHERE dispatched_at IS NULL
                ORDER BY created_at
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
            ), fanned AS (
                INSERT INTO webhook_deliveries (id, subscription_id, event_id, status, attempts, next_attempt_at, created_at)
                SELECT gen_random_uuid(), s.id, b.id, 'pending', 0, {now}, {now}
                FROM batch b JOIN webhook_subscriptions s ON s.clinic_id = b.clinic_id
                WHERE b.subscription_id = s.id
                   OR (b.subscription_id IS NULL AND b.type = ANY (s.events) AND s.created_at <= b.created_at)
                ON CONFLICT (subscription_id, event_id) DO NOTHING
            )
            UPDATE webhook_outbox o SET dispatched_at = {now} FROM batch WHERE o.id = batch.id
            """,
            cancellationToken);
    }

    private async Task<int> DeliverDueAsync(AllianceDbContext db, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();

        // Claim: push the due time past the longest possible attempt, so the rows stay ours after the lock is released
        // (a lock held over HTTP calls would pin a connection per batch). If this instance dies, the lease runs out.
        List<WebhookDelivery> claimed;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            claimed = await db.WebhookDeliveries.FromSql(
                $"""
                SELECT * FROM webhook_deliveries
                WHERE status = 'pending' AND next_attempt_at <= {now}
                ORDER BY next_attempt_at
                LIMIT {BatchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(cancellationToken);
            if (claimed.Count == 0)
            {
                return 0;
            }

            var lease = now + (settings.Timeout * 2) + TimeSpan.FromSeconds(30);
            claimed.ForEach(d => d.NextAttemptAt = lease);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var ids = claimed.Select(d => d.Id).ToList();
        var attempts = await (
            from d in db.WebhookDeliveries.AsNoTracking()
            join s in db.WebhookSubscriptions on d.SubscriptionId equals s.Id
            where ids.Contains(d.Id)
            select new Attempt(
                d.Id, d.SubscriptionId, d.EventId, d.Attempts, s.Url,
                new SigningKeys(s.ProtectedSecret, s.PreviousProtectedSecret, s.PreviousSecretExpiresAt), d.Event!.Body, d.Event.CreatedAt))
            .ToListAsync(cancellationToken);

        var outcomes = await Task.WhenAll(attempts.Select(
            a => sender.SendAsync(a.EventId, a.Url, a.Keys.At(clock.GetUtcNow()), a.Body, cancellationToken)));
        foreach (var (attempt, outcome) in attempts.Zip(outcomes))
        {
            await RecordAsync(db, attempt, outcome, settings, cancellationToken);
        }

        return claimed.Count;
    }

    private async Task RecordAsync(AllianceDbContext db, Attempt attempt, SendOutcome outcome, WebhookOptions settings, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var count = attempt.AttemptsBefore + 1;
        var next = outcome.Error is null ? null : RetrySchedule.Next(count, attempt.EventCreatedAt, now, settings, Random.Shared.NextDouble());
        var status = outcome.Error is null ? DeliveryStatus.Delivered : next is null ? DeliveryStatus.Failed : DeliveryStatus.Pending;
        DateTimeOffset? completedAt = status == DeliveryStatus.Pending ? null : now;

        // Matching the attempt count keeps a late answer from overwriting a newer attempt's result. A deleted
        // subscription took the row with it, and then there is nothing to record.
        await db.WebhookDeliveries
            .Where(d => d.Id == attempt.DeliveryId && d.Attempts == attempt.AttemptsBefore)
            .ExecuteUpdateAsync(
                u => u.SetProperty(d => d.Status, status)
                    .SetProperty(d => d.Attempts, count)
                    .SetProperty(d => d.LastAttemptAt, now)
                    .SetProperty(d => d.LastStatusCode, outcome.StatusCode)
                    .SetProperty(d => d.LastError, outcome.Error)
                    .SetProperty(d => d.NextAttemptAt, next)
                    .SetProperty(d => d.CompletedAt, completedAt),
                cancellationToken);

        Telemetry.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", status));
        if (outcome.Error is { } error)
        {
            Telemetry.WebhookFailures.Add(1, new KeyValuePair<string, object?>("error", error));
        }

        LogAttempt(logger, attempt.SubscriptionId, attempt.EventId, count, outcome.StatusCode, outcome.Error ?? "none", status);
    }

    private sealed record Attempt(
        Guid DeliveryId, Guid SubscriptionId, Guid EventId, int AttemptsBefore, string Url, SigningKeys Keys, string Body, DateTimeOffset EventCreatedAt);

    // Identifiers and status only: payloads, URLs and secrets stay out of the logs.
    [LoggerMessage(Level = LogLevel.Information,
        Message = "Webhook {SubscriptionId} event {EventId} attempt {Attempt}: status code {StatusCode}, error {Error}, now {DeliveryStatus}")]
    private static partial void LogAttempt(ILogger logger, Guid subscriptionId, Guid eventId, int attempt, int? statusCode, string error, string deliveryStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatch round failed; retrying at the next poll")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
