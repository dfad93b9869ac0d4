using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>Closed client WAI-SR ruptures raised in sessions with one therapist.</summary>
public sealed record TherapistRuptureRow(Guid Therapist, int Repaired, int Closed);

/// <summary>One shown therapist: caseload, shrunken alliance level with its interval, and the shrunk rupture-repair rate.</summary>
public sealed record SupervisorRow(string TherapistId, int Caseload, TherapistAllianceLevel Level, ShrunkRate Repair);

/// <param name="Rows">Therapists with at least <see cref="SupervisorQuery.MinCaseload"/> patients, by therapist id (ordinal).</param>
/// <param name="Hidden">Therapists left out for a caseload below the minimum.</param>
/// <param name="ClinicRepairRate">All closed ruptures' repaired share, what each therapist's rate is pulled towards.</param>
public sealed record SupervisorModel(
    ClinicFit<SupervisorModels> Fit, TimeSpan MaxAge, int MinTherapists, IReadOnlyList<SupervisorRow> Rows, int Hidden, double? ClinicRepairRate, int Therapists);

/// <summary>
/// The supervisor view: per therapist, on the client WAI-SR and PHQ-9 rows of the summary's default filter, the BLUP of
/// alliance from <c>alliance ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)</c> (REML) with its 95% conditional
/// interval (<see cref="TherapistAllianceLevels"/>), the share of closed rupture alerts that were repaired shrunk towards the
/// clinic (<see cref="RateShrinkage"/>), and the caseload.
/// </summary>
public static class SupervisorQuery
{
    /// <summary>
    /// A therapist with fewer patients is not shown: the level would rest mostly on the clinic mean and the repair rate on a
    /// rupture or two, and a row about two or three patients comes close to describing those patients.
    /// </summary>
    public const int MinCaseload = 5;

    internal static async Task<SupervisorModel> LoadAsync(
        AllianceDbContext db, NpgsqlDataSource dataSource, ClinicFitCache<SupervisorModels> cache, int minTherapists, Guid clinicId, CancellationToken cancellationToken)
    {
        var version = await SummaryData.DataVersionAsync(dataSource, clinicId, cancellationToken);
        var defaults = new ExportFilter(null, null, null, null, null, ExportFilter.DefaultAlliance, ExportFilter.DefaultSymptoms);
        var fit = await cache.GetAsync(
            clinicId, version,
            async () => Fit(await SummaryData.LoadAsync(dataSource, clinicId, defaults, CancellationToken.None), minTherapists),
            cancellationToken);
        var names = await db.Therapists.AsNoTracking().Where(t => t.ClinicId == clinicId)
            .ToDictionaryAsync(t => t.Id.ToString("N"), t => t.ExternalId, cancellationToken);
        var ruptures = (await db.Database.SqlQuery<TherapistRuptureRow>($"""
            SELECT coalesce(s.therapist_id, p.therapist_id) AS therapist,
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Repaired.StoredName()}))::int AS repaired,
                   count(*)::int AS closed
            FROM alerts a JOIN patients p ON p.id = a.patient_id
            LEFT JOIN sessions s ON s.patient_id = a.patient_id AND s.number = a.session
            WHERE a.clinic_id = {clinicId} AND a.kind = {AlertKind.Rupture.StoredName()} AND a.status <> {AlertStatus.Withdrawn.StoredName()}
              AND a.instrument = {ExportFilter.DefaultAlliance} AND a.rater = {Rater.Client.StoredName()}
              AND a.rupture_status IN ({RuptureStatus.Repaired.StoredName()}, {RuptureStatus.Unrepaired.StoredName()})
              AND coalesce(s.therapist_id, p.therapist_id) IS NOT NULL
            GROUP BY 1
            """).ToListAsync(cancellationToken)).ToDictionary(r => r.Therapist.ToString("N"));

        if (fit.Models.Levels is not { } levels)
        {
            return new SupervisorModel(fit, cache.MaxAge, minTherapists, [], 0, null, 0);
        }

        // Every fitted therapist informs the clinic's repair rate and its spread, shown or not.
        var counts = levels.Therapists.Select(l => ruptures.TryGetValue(l.TherapistId, out var r) ? (r.Repaired, r.Closed) : (0, 0)).ToList();
        var shrunk = RateShrinkage.Shrink(counts);
        var rows = levels.Therapists
            .Select((l, i) => new SupervisorRow(names.GetValueOrDefault(l.TherapistId, "?"), l.Patients, l, shrunk.Rates[i]))
            .ToList();
        var shown = rows.Where(r => r.Caseload >= MinCaseload).OrderBy(r => r.TherapistId, StringComparer.Ordinal).ToList();
        return new SupervisorModel(fit, cache.MaxAge, minTherapists, shown, rows.Count - shown.Count, shrunk.PooledRate, rows.Count);
    }

    private static SupervisorModels Fit(List<SessionObservation> observations, int minTherapists)
    {
        try
        {
            return new SupervisorModels(TherapistAllianceLevels.Fit(observations, minTherapists), null);
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            return new SupervisorModels(null, e.Message);
        }
    }
}
