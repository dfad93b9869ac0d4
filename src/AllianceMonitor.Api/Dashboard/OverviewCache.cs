using System.Collections.Concurrent;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>The overview's two model fits on a clinic's data, or why a model could not be fitted.</summary>
public sealed record OverviewModels(
    int Patients, int Ratings, NullModelSummary? Null, string? NullReason, MixedModelFit? Effects, string? EffectsReason)
{
    public static OverviewModels Fit(IReadOnlyCollection<SessionObservation> observations)
    {
        NullModelSummary? nullModel = null;
        MixedModelFit? effects = null;
        string? nullReason = null, effectsReason = null;
        try
        {
            nullModel = NullModel.Fit(observations.Where(o => o.Alliance is not null).ToList()).Summary;
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            nullReason = e.Message;
        }

        try
        {
            effects = MixedModelFitter.Fit(LaggedDesign.Build(observations, ModelCatalog.AllianceToSymptoms), FitMethod.Reml);
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            effectsReason = e.Message;
        }

        return new OverviewModels(
            observations.Select(o => o.PatientId).Distinct().Count(), observations.Count(o => o.Alliance is not null),
            nullModel, nullReason, effects, effectsReason);
    }
}

/// <summary>A clinic's overview fit, the data version it was fitted on, and when.</summary>
public sealed record OverviewFit(string DataVersion, DateTimeOffset FittedAt, OverviewModels Models);

/// <summary>
/// One overview fit per clinic. A fit is reused while the clinic's data are unchanged, and for up to
/// <c>Dashboard:OverviewMaxAge</c> (10 minutes) after they change: a busy clinic gets new sessions every minute, and
/// clinic-wide variance components do not move with one session, so refitting on every page view would only make the
/// page slow. The page says when the models were fitted. Fits are serialised, so a burst of page views fits once.
/// </summary>
public sealed class OverviewCache(TimeProvider clock, TimeSpan maxAge) : IDisposable
{
    private readonly ConcurrentDictionary<Guid, OverviewFit> fits = new();
    private readonly SemaphoreSlim fitting = new(1, 1);

    public TimeSpan MaxAge => maxAge;

    public async Task<OverviewFit> GetAsync(Guid clinicId, string dataVersion, Func<Task<OverviewModels>> fit, CancellationToken cancellationToken)
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

            var fresh = new OverviewFit(dataVersion, clock.GetUtcNow(), await fit());
            fits[clinicId] = fresh;
            return fresh;
        }
        finally
        {
            fitting.Release();
        }
    }

    public void Dispose() => fitting.Dispose();

    private OverviewFit? Usable(Guid clinicId, string dataVersion) =>
        fits.TryGetValue(clinicId, out var cached) && (cached.DataVersion == dataVersion || clock.GetUtcNow() - cached.FittedAt < maxAge)
            ? cached
            : null;
}
