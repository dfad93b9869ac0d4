using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
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
    /// <summary>At most this many reports are kept (each a few kB); the least recently used go first.</summary>
    public const int MaxEntries = 256;

    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public void Dispose() => cache.Dispose();

    public async Task<string> GetOrFitAsync(string key, Func<Task<string>> fit)
    {
        if (cache.TryGetValue(key, out string? json) && json is not null)
        {
            return json;
        }

        json = await fit();
        cache.Set(key, json, new MemoryCacheEntryOptions { SlidingExpiration = TimeSpan.FromHours(6), Size = 1 });
        return json;
    }
}

public static class SummaryEndpoints
{
    public static RouteGroupBuilder MapSummary(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/analysis").WithTags("Analysis");

        group.MapGet("/summary", GetSummary)
            .WithName(nameof(GetSummary))
            .WithSummary("The two lagged models and the null model on the clinic's data, as `alliance-monitor analyze` prints them")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .RequireAuthorization(p => p.RequireRole(Roles.Researcher))
            .Audited("analysis.summary")
            .Validated<SummaryQuery>();

        return group;
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetSummary(
        [AsParameters] SummaryQuery query, HttpContext http, NpgsqlDataSource dataSource, SummaryCache cache)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var filter = query.Filter;
        var version = await DataVersionAsync(dataSource, clinicId, http.RequestAborted);
        try
        {
            var json = await cache.GetOrFitAsync($"{clinicId}|{filter.Describe()}|{version}", async () =>
            {
                var observations = await LoadAsync(dataSource, clinicId, filter, http.RequestAborted);
                return AnalysisReportBuilder.ToJson(AnalysisReportBuilder.Build(observations, FitMethod.Reml, ModelCatalog.All));
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

    /// <summary>The export's rows as the engine's observations, with internal ids (never leaving the service).</summary>
    public static async Task<List<SessionObservation>> LoadAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = ExportSql.Command(connection, clinicId, filter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var observations = new List<SessionObservation>();
        var ids = new Dictionary<Guid, string>();
        string Id(Guid id) => ids.TryGetValue(id, out var text) ? text : ids[id] = id.ToString("N");
        var alliance = ExportSql.AllianceOrdinal;
        var symptoms = ExportSql.AllianceOrdinal + 6;
        while (await reader.ReadAsync(cancellationToken))
        {
            observations.Add(new SessionObservation(
                Id(reader.GetGuid(ExportSql.PatientOrdinal)),
                reader.IsDBNull(ExportSql.TherapistOrdinal) ? null : Id(reader.GetGuid(ExportSql.TherapistOrdinal)),
                reader.GetInt32(ExportSql.SessionOrdinal),
                reader.IsDBNull(alliance) ? null : reader.GetDouble(alliance),
                reader.IsDBNull(symptoms) ? null : reader.GetDouble(symptoms)));
        }

        return observations;
    }

    private static async Task<string> DataVersionAsync(NpgsqlDataSource dataSource, Guid clinicId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*), max(s.updated_at) FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = @clinic", connection);
        command.Parameters.AddWithValue("clinic", clinicId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return $"{reader.GetInt64(0)}|{(reader.IsDBNull(1) ? "-" : reader.GetFieldValue<DateTimeOffset>(1).UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }
}
