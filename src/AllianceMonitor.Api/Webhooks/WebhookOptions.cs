namespace AllianceMonitor.Api.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>How often the dispatcher looks for new events and due deliveries when it has nothing to do.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Delay before the first retry; it doubles with each failed attempt.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after the event attempts continue before the delivery is marked failed.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Per-attempt limit on the receiver's answer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Lets webhooks reach loopback and private networks: for on-premise receivers and tests only. Off by default, so
    /// an admin key cannot reach the service's own host, the database or cloud metadata.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>How long delivered and failed deliveries, and the events behind them, stay in the log before they are pruned.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// After a secret rotation, how long deliveries carry a signature with the old secret as well as the new one, so
    /// the receiver can switch at its own pace. Zero ends the old secret at once.
    /// </summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>When a failed delivery is tried again.</summary>
public static class RetrySchedule
{
    /// <param name="attempts">Attempts made so far, at least 1.</param>
    /// <param name="jitter">A number in [0, 1): spreads retries so receivers coming back up are not hit all at once.</param>
    /// <returns>The next attempt's time, or null when the retry window is over.</returns>
    public static DateTimeOffset? Next(int attempts, DateTimeOffset eventCreatedAt, DateTimeOffset now, WebhookOptions options, double jitter)
    {
        var deadline = eventCreatedAt + options.RetryFor;
        if (now >= deadline)
        {
            return null;
        }

        var exponent = Math.Min(attempts - 1, 30);
        var doubled = options.RetryBaseDelay.TotalSeconds * Math.Pow(2, exponent);
        var capped = Math.Min(doubled, options.RetryMaxDelay.TotalSeconds);

        // Between 75% and 100% of the capped delay.
        var delay = TimeSpan.FromSeconds(capped * (0.75 + (0.25 * jitter)));

        // One last attempt at the deadline rather than none after the last long wait.
        var next = now + delay;
        return next < deadline ? next : deadline;
    }
}
