using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// Reports fitted on a clinic's data, keyed by clinic, filters and data version (number of sessions and the latest
/// session change), so a new or corrected session, or an erasure, makes the next request refit.
/// </summary>
/// <remarks>
/// A report is fitted once however many ask for it at the same time: a clinic's first summary takes minutes and
/// gigabytes at a million sessions, so a second request (a retry after a client's time-out, a second researcher) waits
/// for the fit under way instead of starting its own. The fit belongs to no single request: a caller that gives up
/// stops waiting, and the fit goes on for the others and for the cache; only the service's shutdown stops it.
/// </remarks>
/// <param name="stopping">The service's shutdown, which alone cancels a fit.</param>
public sealed class SummaryCache(CancellationToken stopping) : IDisposable
{
    /// <summary>At most this many reports are kept (each a few kB); past that, new ones are not cached until a compaction frees room.</summary>
    public const int MaxEntries = 256;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    // Lazy, so that of two requests racing to add a key only the one whose entry was stored starts the fit.
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> fitting = new(StringComparer.Ordinal);

    public void Dispose() => cache.Dispose();

    /// <param name="fit">Fits the report; its token is cancelled only when the service stops.</param>
    /// <param name="cancellationToken">Stops this caller's wait, not the fit.</param>
    public async Task<T> GetOrFitAsync<T>(string key, Func<CancellationToken, Task<T>> fit, CancellationToken cancellationToken)
        where T : class
    {
        if (cache.TryGetValue(key, out T? value) && value is not null)
        {
            return value;
        }

        var shared = fitting.GetOrAdd(key, k => new Lazy<Task<object>>(() => FitAndKeepAsync(k, fit)));
        return (T)await shared.Value.WaitAsync(cancellationToken);
    }

    private async Task<object> FitAndKeepAsync<T>(string key, Func<CancellationToken, Task<T>> fit)
        where T : class
    {
        try
        {
            // A fit that finished between this caller's cache miss and its claim of the key is not repeated.
            if (cache.TryGetValue(key, out T? kept) && kept is not null)
            {
                return kept;
            }

            var value = await fit(stopping);
            cache.Set(key, value, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromHours(6), Size = 1 });
            return value;
        }
        finally
        {
            // After the report is cached (or the fit failed, and the next request tries again); until then this is the
            // key's only entry, so removing by key removes this fit's.
            fitting.TryRemove(key, out _);
        }
    }
}
