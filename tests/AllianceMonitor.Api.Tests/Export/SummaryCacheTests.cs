using AllianceMonitor.Api.Export;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>A report is fitted once for everyone who asks while it is being fitted, and a caller who gives up does not stop it.</summary>
public sealed class SummaryCacheTests
{
    private const string Key = "clinic|filters|version";

    private int _fits;
    private readonly TaskCompletionSource<string> _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<string> Fit(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _fits);
        return await _release.Task.WaitAsync(cancellationToken);
    }

    [Fact]
    public async Task Requests_during_a_fit_share_it_and_later_ones_read_the_cache()
    {
        using var cache = new SummaryCache(CancellationToken.None);

        var first = cache.GetOrFitAsync(Key, Fit, CancellationToken.None);
        var second = cache.GetOrFitAsync(Key, Fit, CancellationToken.None);
        _release.SetResult("report");

        Assert.Same(await first, await second);
        Assert.Equal("report", await cache.GetOrFitAsync(Key, Fit, CancellationToken.None));
        Assert.Equal(1, _fits);
    }

    [Fact]
    public async Task A_caller_who_gives_up_leaves_the_fit_running_for_the_next()
    {
        using var cache = new SummaryCache(CancellationToken.None);
        using var gaveUp = new CancellationTokenSource();

        var abandoned = cache.GetOrFitAsync(Key, Fit, gaveUp.Token);
        await gaveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);

        var retry = cache.GetOrFitAsync(Key, Fit, CancellationToken.None);
        _release.SetResult("report");

        Assert.Equal("report", await retry);
        Assert.Equal(1, _fits);
    }

    [Fact]
    public async Task A_failed_fit_reaches_everyone_waiting_and_is_not_kept()
    {
        using var cache = new SummaryCache(CancellationToken.None);

        var first = cache.GetOrFitAsync(Key, Fit, CancellationToken.None);
        var second = cache.GetOrFitAsync(Key, Fit, CancellationToken.None);
        _release.SetException(new InvalidOperationException("singular"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal("again", await cache.GetOrFitAsync(Key, _ => Task.FromResult("again"), CancellationToken.None));
        Assert.Equal(1, _fits);
    }

    [Fact]
    public async Task The_services_shutdown_cancels_the_fit()
    {
        using var stopping = new CancellationTokenSource();
        using var cache = new SummaryCache(stopping.Token);

        var waiting = cache.GetOrFitAsync(Key, Fit, CancellationToken.None);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
