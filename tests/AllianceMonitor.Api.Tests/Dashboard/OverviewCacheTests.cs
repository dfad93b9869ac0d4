using AllianceMonitor.Api.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>When the overview refits: never for unchanged data, not within the maximum age, always after it.</summary>
public sealed class OverviewCacheTests
{
    private static readonly OverviewModels Empty = new(0, 0, null, "none", null, "none");

    [Fact]
    public async Task Unchanged_data_reuse_the_fit_however_old_it_is()
    {
        var clock = new ManualClock();
        using var cache = new ClinicFitCache<OverviewModels>(clock, TimeSpan.FromMinutes(10));
        var fits = 0;
        Task<OverviewModels> Fit() { fits++; return Task.FromResult(Empty); }
        var clinic = Guid.NewGuid();

        var first = await cache.GetAsync(clinic, "v1", Fit, CancellationToken.None);
        clock.Now += TimeSpan.FromDays(2);
        var second = await cache.GetAsync(clinic, "v1", Fit, CancellationToken.None);

        Assert.Equal(1, fits);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task Changed_data_refit_once_the_fit_is_older_than_the_maximum_age()
    {
        var clock = new ManualClock();
        using var cache = new ClinicFitCache<OverviewModels>(clock, TimeSpan.FromMinutes(10));
        var fits = 0;
        Task<OverviewModels> Fit() { fits++; return Task.FromResult(Empty); }
        var clinic = Guid.NewGuid();

        await cache.GetAsync(clinic, "v1", Fit, CancellationToken.None);
        clock.Now += TimeSpan.FromMinutes(9);
        var stale = await cache.GetAsync(clinic, "v2", Fit, CancellationToken.None);
        Assert.Equal(1, fits);
        Assert.Equal("v1", stale.DataVersion);

        clock.Now += TimeSpan.FromMinutes(2);
        var fresh = await cache.GetAsync(clinic, "v2", Fit, CancellationToken.None);
        Assert.Equal(2, fits);
        Assert.Equal("v2", fresh.DataVersion);
        Assert.Equal(clock.Now, fresh.FittedAt);
    }

    [Fact]
    public async Task Clinics_are_fitted_separately_and_a_burst_of_views_fits_once()
    {
        using var cache = new ClinicFitCache<OverviewModels>(new ManualClock(), TimeSpan.Zero);
        var fits = 0;
        async Task<OverviewModels> SlowFit()
        {
            Interlocked.Increment(ref fits);
            await Task.Delay(50);
            return Empty;
        }

        var clinic = Guid.NewGuid();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => cache.GetAsync(clinic, "v1", SlowFit, CancellationToken.None)));
        Assert.Equal(1, fits);

        await cache.GetAsync(Guid.NewGuid(), "v1", SlowFit, CancellationToken.None);
        Assert.Equal(2, fits);
    }
}
