using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AllianceMonitor.Api.Export;

public static class SummaryEndpoints
{
    /// <summary>The clinic-level reports, in the one <c>/analysis</c> group (declared with the API routes in Hosting).</summary>
    public static RouteGroupBuilder MapSummary(this RouteGroupBuilder group)
    {
        group.MapGet("/summary", GetSummary)
            .WithName(nameof(GetSummary))
            .WithSummary("The two lagged models, each by the person-mean-centred and the initial-conditions estimator with their estimates compared, the null model, the effects and the therapist level (nested models, alliance split three ways) on the clinic's data, as `alliance-monitor analyze --effects` and `--therapist-level` print them")
            .Produces<AnalysisReport>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher))
            .Audited("analysis.summary")
            .Validated<SummaryQuery>();

        group.MapGet("/effects", GetEffects)
            .WithName(nameof(GetEffects))
            .WithSummary("The within-patient effect of alliance on next-session symptoms per modality with contrasts and an overall test, and the therapist shares of alliance and symptom variance")
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher))
            .Audited("analysis.effects")
            .Validated<SummaryQuery>();

        return group;
    }

    /// <summary>
    /// Each part is fitted on its own and is null, with the reason, when the data do not allow it (a modality needs
    /// `Analysis:MinPairsPerModality` complete lag pairs, 50 by default; a therapist share `Analysis:MinTherapists`
    /// therapists, 10 by default). Effects and contrasts carry Wald intervals (contrasts Bonferroni-adjusted), the overall
    /// test is a likelihood-ratio test of ML refits, and the therapist shares carry profile-likelihood intervals.
    /// </summary>
    public static async Task<Ok<EffectsResponse>> GetEffects(
        [AsParameters] SummaryQuery query, HttpContext http, NpgsqlDataSource dataSource, SummaryCache cache, IOptions<AnalysisOptions> options)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var filter = query.Filter;
        var version = await SummaryData.DataVersionAsync(dataSource, clinicId, http.RequestAborted);
        var response = await cache.GetOrFitAsync(
            $"effects|{clinicId}|{filter.Describe()}|{version}",
            async fitAborted =>
            {
                var request = await EffectsRequestAsync(dataSource, clinicId, filter, options.Value, raterSeries: null, fitAborted);
                return EffectsMapping.ToResponse(EffectsReportBuilder.Build(request.Observations, request.Effects.Modality, request.Effects.Settings));
            },
            http.RequestAborted);
        return TypedResults.Ok(response);
    }

    private static async Task<(List<SessionObservation> Observations, EffectsRequest Effects)> EffectsRequestAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, AnalysisOptions options, RaterAgreementSummary.Series? raterSeries,
        CancellationToken cancellationToken)
    {
        var rows = await SummaryData.LoadRowsAsync(dataSource, clinicId, filter, cancellationToken, raterSeries is null ? null : raterSeries.Read);
        // Keyed by the instance: the models ask about the observations they were given, and a record's value hash (two id
        // strings and three numbers) on each of a million rows, three times over in the moderation, cost seconds.
        var modality = new Dictionary<SessionObservation, string?>(rows.Count, ReferenceEqualityComparer.Instance);
        foreach (var (observation, level) in rows)
        {
            modality.Add(observation, level);
        }

        return (rows.Select(r => r.Observation).ToList(), new EffectsRequest(o => modality[o], new EffectsSettings(options.MinPairsPerModality, options.MinTherapists)));
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSummary(
        [AsParameters] SummaryQuery query, HttpContext http, NpgsqlDataSource dataSource, SummaryCache cache, IOptions<AnalysisOptions> options)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var filter = query.Filter;
        var version = await SummaryData.DataVersionAsync(dataSource, clinicId, http.RequestAborted);
        try
        {
            var json = await cache.GetOrFitAsync(
                $"{clinicId}|{filter.Describe()}|{version}",
                async fitAborted =>
                {
                    // One read of the export's rows for the models and the rater agreement (a clinic's million rows, read once).
                    RaterAgreementSummary.Series? raterSeries = new();
                    var request = await EffectsRequestAsync(dataSource, clinicId, filter, options.Value, raterSeries, fitAborted);
                    // Before the models, so the series are garbage while the models fit.
                    var raterAgreement = await RaterAgreementSummary.ReportAsync(dataSource, clinicId, filter, raterSeries, fitAborted);
                    raterSeries = null;
                    var agreement = await AgreementSummary.BuildAsync(dataSource, clinicId, filter, request.Observations, fitAborted);
                    // Both estimators side by side: a short-series clinic needs the initial-conditions fit beside the centred one.
                    var report = AnalysisReportBuilder.Build(
                        request.Observations, FitMethod.Reml, ModelCatalog.All, AnalysisReportBuilder.BothEstimators, effects: request.Effects)
                        with { Agreement = agreement, RaterAgreement = raterAgreement };
                    var text = AnalysisReportBuilder.ToJson(SummaryTherapistLevel.With(report, request.Observations, options.Value));
                    ChurnedMemory.ReturnAfter(request.Observations.Count);
                    return text;
                },
                http.RequestAborted);
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
