using System.Globalization;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>Ruptures raised in one month, by what became of them.</summary>
public sealed record MonthRow(string Month, int Ruptures, int Repaired, int Unrepaired, int StillOpen);

/// <summary>How many sessions the clinic has, and how many of them raised an alert.</summary>
public sealed record LoadRow(int Sessions, int AlertedSessions);

/// <param name="Months">Every month from the first to the last with a rupture, quiet months as zero.</param>
/// <param name="Change">Per measure with patients rated at least twice, how many recovered, improved, did not change or deteriorated.</param>
public sealed record OverviewModel(ClinicFit<OverviewModels> Fit, TimeSpan MaxAge, IReadOnlyList<MonthRow> Months, LoadRow Load, IReadOnlyList<ChangeShareRow> Change);

/// <summary>
/// The clinic at a glance. The models (null model of alliance, alliance_to_symptoms) are fitted on the same rows as
/// <c>GET /analysis/summary</c> with its default filter (client WAI-SR and PHQ-9) and cached per clinic
/// (<see cref="ClinicFitCache{TModels}"/>); rupture counts, the alert load and the change shares are counted live.
/// </summary>
public static class OverviewQuery
{
    internal static async Task<OverviewModel> LoadAsync(
        AllianceDbContext db, NpgsqlDataSource dataSource, ClinicFitCache<OverviewModels> cache, Guid clinicId, CancellationToken cancellationToken)
    {
        var version = await SummaryData.DataVersionAsync(dataSource, clinicId, cancellationToken);
        var defaults = new ExportFilter(null, null, null, null, null, ExportFilter.DefaultAlliance, ExportFilter.DefaultSymptoms);
        var fit = await cache.GetAsync(
            clinicId, version,
            async () => OverviewModels.Fit(await SummaryData.LoadAsync(dataSource, clinicId, defaults, CancellationToken.None)),
            cancellationToken);
        // Result columns are named in snake_case: the naming convention maps a row type's properties as it maps tables.
        var months = await db.Database.SqlQuery<MonthRow>($"""
            SELECT to_char(coalesce(s.occurred_on, a.created_at::date), 'YYYY-MM') AS month, count(*)::int AS ruptures,
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Repaired.StoredName()}))::int AS repaired,
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Unrepaired.StoredName()}))::int AS unrepaired,
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Open.StoredName()}))::int AS still_open
            FROM alerts a LEFT JOIN sessions s ON s.patient_id = a.patient_id AND s.number = a.session
            WHERE a.clinic_id = {clinicId} AND a.kind = {AlertKind.Rupture.StoredName()} AND a.status <> {AlertStatus.Withdrawn.StoredName()}
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(cancellationToken);
        var load = await db.Database.SqlQuery<LoadRow>($"""
            SELECT (SELECT count(*) FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = {clinicId})::int AS sessions,
                   (SELECT count(*) FROM (SELECT DISTINCT patient_id, session FROM alerts
                                          WHERE clinic_id = {clinicId} AND status <> {AlertStatus.Withdrawn.StoredName()}) alerted)::int AS alerted_sessions
            """).SingleAsync(cancellationToken);
        var change = await ChangeSharesQuery.LoadAsync(db, clinicId, cancellationToken);
        return new OverviewModel(fit, cache.MaxAge, WithEmptyMonths(months).ToList(), load, change);
    }

    /// <summary>Every month from the first to the last with a rupture, a quiet month shown as zero rather than left out.</summary>
    private static IEnumerable<MonthRow> WithEmptyMonths(List<MonthRow> months)
    {
        if (months.Count == 0)
        {
            yield break;
        }

        var byMonth = months.ToDictionary(m => m.Month);
        var last = DateOnly.ParseExact(months[^1].Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var month = DateOnly.ParseExact(months[0].Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture); month <= last; month = month.AddMonths(1))
        {
            var key = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
            yield return byMonth.GetValueOrDefault(key) ?? new MonthRow(key, 0, 0, 0, 0);
        }
    }
}
