using System.Collections.Concurrent;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>The supervisor view's model fit on a clinic's data, or why it could not be fitted.</summary>
/// <param name="Levels">Every therapist's shrunken alliance level (hidden ones included: they inform the clinic's variances).</param>
public sealed record SupervisorFit(string DataVersion, DateTimeOffset FittedAt, TherapistAllianceLevelsResult? Levels, string? Reason);

/// <summary>
/// One fit of the nested null model per clinic, kept on the overview's terms (<see cref="OverviewCache"/>): reused while the
/// data are unchanged and for up to <c>Dashboard:OverviewMaxAge</c> after they change, fitted one at a time. The rupture
/// counts beside it are counted live.
/// </summary>
public sealed class SupervisorCache(TimeProvider clock, TimeSpan maxAge) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, SupervisorFit> fits = new();
    private readonly SemaphoreSlim fitting = new(1, 1);

    public TimeSpan MaxAge => maxAge;

    public async Task<SupervisorFit> GetAsync(
        Guid clinicId, string dataVersion, Func<Task<(TherapistAllianceLevelsResult? Levels, string? Reason)>> fit, CancellationToken cancellationToken)
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

            var (levels, reason) = await fit();
            var fresh = new SupervisorFit(dataVersion, clock.GetUtcNow(), levels, reason);
            fits[clinicId] = fresh;
            return fresh;
        }
        finally
        {
            fitting.Release();
        }
    }

    public void Dispose() => fitting.Dispose();

    private SupervisorFit? Usable(Guid clinicId, string dataVersion) =>
        fits.TryGetValue(clinicId, out var cached) && (cached.DataVersion == dataVersion || clock.GetUtcNow() - cached.FittedAt < maxAge)
            ? cached
            : null;
}
