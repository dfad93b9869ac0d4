using System.Collections.Concurrent;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>A clinic-wide model fit, the data version it was fitted on, and when.</summary>
public sealed record ClinicFit<TModels>(string DataVersion, DateTimeOffset FittedAt, TModels Models);

/// <summary>
/// One fit per clinic for a dashboard page (the overview, the supervisor view). A fit is reused while the clinic's data
/// are unchanged, and for up to <c>Dashboard:OverviewMaxAge</c> (10 minutes) after they change: a busy clinic gets new
/// sessions every minute, and clinic-wide variance components do not move with one session, so refitting on every page
/// view would only make the page slow. The page says when the models were fitted. Fits are serialised, so a burst of page
/// views fits once.
/// </summary>
public sealed class ClinicFitCache<TModels>(TimeProvider clock, TimeSpan maxAge) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, ClinicFit<TModels>> fits = new();
    private readonly SemaphoreSlim fitting = new(1, 1);

    public TimeSpan MaxAge => maxAge;

    public async Task<ClinicFit<TModels>> GetAsync(Guid clinicId, string dataVersion, Func<Task<TModels>> fit, CancellationToken cancellationToken)
    {
        if (Usable(clinicId, dataVersion) is { } cached)
        {
            return cached;
        }

        await fitting.WaitAsync(cancellationToken);
        try
        {
            if (Usable(clinicId, dataVersion) is { } fittedMeanwhile)
            {
                return fittedMeanwhile;
            }

            var fresh = new ClinicFit<TModels>(dataVersion, clock.GetUtcNow(), await fit());
            fits[clinicId] = fresh;
            return fresh;
        }
        finally
        {
            fitting.Release();
        }
    }

    public void Dispose() => fitting.Dispose();

    private ClinicFit<TModels>? Usable(Guid clinicId, string dataVersion) =>
        fits.TryGetValue(clinicId, out var cached) && (cached.DataVersion == dataVersion || clock.GetUtcNow() - cached.FittedAt < maxAge)
            ? cached
            : null;
}
