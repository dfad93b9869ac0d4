namespace AllianceMonitor.Api.Infrastructure;

public static class Timestamps
{
    /// <summary>Now, truncated to PostgreSQL's microseconds so a value written equals the value read back.</summary>
    public static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }
}
