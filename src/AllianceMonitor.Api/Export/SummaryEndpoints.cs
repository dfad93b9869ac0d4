using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// Reports fitted on a clinic's data, keyed by clinic, filters and data version (number of sessions and the latest
/// session change), so a new or corrected session, or an erasure, makes the next request refit.
/// </summary>
public sealed class SummaryCache : IDisposable
{
    /// <summary>At most this many reports are kept (each a few kB); past that, new ones are not cached until a compaction frees room.</summary>
    public const int MaxEntries = 256;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public void Dispose() => cache.Dispose();

    public async Task<T> GetOrFitAsync<T>(string key, Func<Task<T>> fit)
        where T : class
    {
        if (cache.TryGetValue(key, out T? value) && value is not null)
        {
            return value;
        }

        value = await fit();
        cache.Set(key, value, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromHours(6), Size = 1 });
        return value;
    }
}

public static class SummaryEndpoints
{
    /// <summary>The clinic-level reports, in the one <c>/analysis</c> group (declared with the API routes in Hosting).</summary>
    public static RouteGroupBuilder MapSummary(this RouteGroupBuilder group)
    {
        group.MapGet("/summary", GetSummary)
            .WithName(nameof(GetSummary))
            .WithSummary("The two lagged models, each by the person-mean-centred and the initial-conditions estimator with their estimates compared, and the null model on the clinic's data, as `alliance-monitor analyze` prints them")
            .Produces<AnalysisReport>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher))
            .Audited("analysis.summary")
            .Validated<SummaryQuery>();

        group.MapGet("/effects", GetEffects)
            .WithName(nameof(GetEffects))
            .WithSummary("The within-patient effect of alliance on next-session symptoms per modality, and the share of alliance variance between therapists")
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher))
            .Audited("analysis.effects")
            .Validated<SummaryQuery>();

        return group;
    }

    /// <summary>
    /// Each part is fitted on its own and is null, with the reason, when the data do not allow it (e.g. one modality's
    /// slope needs pairs in that modality; the therapist level needs at least 3 therapists).
    /// </summary>
    public static async Task<Ok<EffectsResponse>> GetEffects(
        [AsParameters] SummaryQuery query, HttpContext http, NpgsqlDataSource dataSource, SummaryCache cache)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var filter = query.Filter;
        var version = await SummaryData.DataVersionAsync(dataSource, clinicId, http.RequestAborted);
        var response = await cache.GetOrFitAsync($"effects|{clinicId}|{filter.Describe()}|{version}", async () =>
        {
            var rows = await SummaryData.LoadRowsAsync(dataSource, clinicId, filter, http.RequestAborted);
            var observations = rows.Select(r => r.Observation).ToList();
            var modality = rows.ToDictionary(r => r.Observation, r => r.Modality);
            ModalityModerationResponse? moderation = null;
            TherapistShareResponse? therapists = null;
            var reasons = new List<string>();
            try
            {
                var fit = ModalityModeration.Fit(observations, o => modality[o], ModelCatalog.AllianceToSymptoms);
                moderation = new ModalityModerationResponse(
                    ModelCatalog.AllianceToSymptoms.Name, fit.Reference, fit.Fit.ObservationCount, fit.Fit.GroupCount,
                    fit.Effects.Select(e => new ModalityEffectResponse(e.Modality, e.IsReference, e.Pairs, e.Estimate, e.StdError, e.CiLow, e.CiHigh)).ToList());
            }
            catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
            {
                reasons.Add($"modality: {e.Message}");
            }

            try
            {
                var share = TherapistShare.Fit(observations);
                therapists = new TherapistShareResponse(
                    TherapistShare.Formula, share.Therapists, share.Patients, share.Ratings, share.TherapistVariance, share.PatientVariance,
                    share.WithinVariance, share.TherapistShare, share.Singular);
            }
            catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
            {
                reasons.Add($"therapists: {e.Message}");
            }

            return new EffectsResponse(moderation, therapists, reasons);
        });
        return TypedResults.Ok(response);
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSummary(
        [AsParameters] SummaryQuery query, HttpContext http, NpgsqlDataSource dataSource, SummaryCache cache)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var filter = query.Filter;
        var version = await SummaryData.DataVersionAsync(dataSource, clinicId, http.RequestAborted);
        try
        {
            var json = await cache.GetOrFitAsync($"{clinicId}|{filter.Describe()}|{version}", async () =>
            {
                var observations = await SummaryData.LoadAsync(dataSource, clinicId, filter, http.RequestAborted);
                // Both estimators side by side: a short-series clinic needs the initial-conditions fit beside the centred one.
                return AnalysisReportBuilder.ToJson(
                    AnalysisReportBuilder.Build(observations, FitMethod.Reml, ModelCatalog.All, AnalysisReportBuilder.BothEstimators));
            });
            return TypedResults.Text(json, "application/json");
        }
        catch (InsufficientDataException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Too little data to fit the models");
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The data cannot be fitted");
        }
    }
}
