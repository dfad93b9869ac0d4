using AllianceMonitor.Api.Webhooks;

namespace AllianceMonitor.Api.Tests.Webhooks;

public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Event = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private static readonly WebhookOptions Defaults = new();

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(9, 2560)]
    [InlineData(10, 3600)]
    [InlineData(40, 3600)]
    public void The_delay_doubles_from_the_base_up_to_the_cap(int attempts, double fullSeconds)
    {
        var now = Event.AddMinutes(1);
        var longest = RetrySchedule.Next(attempts, Event, now, Defaults, jitter: 0.999999)!.Value - now;
        var shortest = RetrySchedule.Next(attempts, Event, now, Defaults, jitter: 0)!.Value - now;

        Assert.Equal(fullSeconds, longest.TotalSeconds, 2);
        Assert.Equal(fullSeconds * 0.75, shortest.TotalSeconds, 2);
    }

    [Fact]
    public void The_last_attempt_is_at_the_end_of_the_window_and_none_after_it()
    {
        var deadline = Event + Defaults.RetryFor;

        Assert.Equal(deadline, RetrySchedule.Next(20, Event, deadline.AddMinutes(-5), Defaults, jitter: 0.5));
        Assert.Null(RetrySchedule.Next(21, Event, deadline, Defaults, jitter: 0.5));
    }
}
