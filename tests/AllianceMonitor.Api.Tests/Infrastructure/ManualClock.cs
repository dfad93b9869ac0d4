namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>A clock whose time the test sets. Its timers are the system's: delays still pass in real time.</summary>
public sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => Now;
}
