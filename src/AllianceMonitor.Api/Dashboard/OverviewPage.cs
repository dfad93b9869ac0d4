using System.Globalization;
using System.Text;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static AllianceMonitor.Api.Dashboard.DashboardHtml;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// The clinic at a glance. The models (null model of alliance, alliance_to_symptoms) are fitted on the same rows as
/// <c>GET /analysis/summary</c> with its default filter (client WAI-SR and PHQ-9) and cached per clinic
/// (<see cref="OverviewCache"/>); rupture counts and the alert load are counted live.
/// </summary>
internal static class OverviewPage
{
    private sealed record MonthRow(string Month, int Ruptures, int Repaired, int Unrepaired, int StillOpen);

    private sealed record LoadRow(int Sessions, int AlertedSessions);

    public static async Task<IResult> Render(HttpContext http, AllianceDbContext db, NpgsqlDataSource dataSource, OverviewCache cache)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        var version = await SummaryEndpoints.DataVersionAsync(dataSource, clinicId, http.RequestAborted);
        var defaults = new ExportFilter(null, null, null, null, null, ExportFilter.DefaultAlliance, ExportFilter.DefaultSymptoms);
        var fit = await cache.GetAsync(
            clinicId, version,
            async () => OverviewModels.Fit(await SummaryEndpoints.LoadAsync(dataSource, clinicId, defaults, CancellationToken.None)),
            http.RequestAborted);
        var months = await db.Database.SqlQuery<MonthRow>($"""
            SELECT to_char(coalesce(s.occurred_on, a.created_at::date), 'YYYY-MM') AS "Month", count(*)::int AS "Ruptures",
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Repaired.StoredName()}))::int AS "Repaired",
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Unrepaired.StoredName()}))::int AS "Unrepaired",
                   (count(*) FILTER (WHERE a.rupture_status = {RuptureStatus.Open.StoredName()}))::int AS "StillOpen"
            FROM alerts a LEFT JOIN sessions s ON s.patient_id = a.patient_id AND s.number = a.session
            WHERE a.clinic_id = {clinicId} AND a.kind = {AlertKind.Rupture.StoredName()} AND a.status <> {AlertStatus.Withdrawn.StoredName()}
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(http.RequestAborted);
        var load = await db.Database.SqlQuery<LoadRow>($"""
            SELECT (SELECT count(*) FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = {clinicId})::int AS "Sessions",
                   (SELECT count(*) FROM (SELECT DISTINCT patient_id, session FROM alerts
                                          WHERE clinic_id = {clinicId} AND status <> {AlertStatus.Withdrawn.StoredName()}) alerted)::int AS "AlertedSessions"
            """).SingleAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, clinicId, "dashboard.overview.read", null, StatusCodes.Status200OK);

        var models = fit.Models;
        var body = new StringBuilder("<h1>Clinic overview</h1>");
        body.Append(CultureInfo.InvariantCulture, $"""
            <p class="meta" id="fitted">Models fitted {H(fit.FittedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))} UTC on {models.Ratings} alliance ratings from {models.Patients} patients; they are refitted when the data have changed, at most every {cache.MaxAge.TotalMinutes:0} minutes. Alliance is the client WAI-SR (item mean, 1–5); symptoms the PHQ-9 (0–27).</p>
            <section aria-labelledby="null-h"><h2 id="null-h">How much alliance varies</h2>
            """);
        if (models.Null is { } nullModel)
        {
            body.Append(CultureInfo.InvariantCulture, $"""
                <dl class="stats">
                <div><dt>ICC</dt><dd id="icc">{N(nullModel.Icc)}</dd></div>
                <div><dt>Within-patient SD</dt><dd id="within-sd">{N(nullModel.WithinSd)}</dd></div>
                </dl>
                <p class="help">The ICC is the share of alliance variance that lies between patients; the rest moves session to session within a patient, which is what the rupture alerts watch. Null model: {H(NullModel.Formula)}.</p>
                """);
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"""<p class="muted">Not enough data for the null model yet: {H(models.NullReason)}</p>""");
        }

        body.Append("</section>");
        body.Append("""<section aria-labelledby="effects-h"><h2 id="effects-h">Alliance and next-session symptoms (alliance_to_symptoms)</h2>""");
        if (models.Effects is { } effects)
        {
            var model = ModelCatalog.AllianceToSymptoms;
            body.Append("""<table class="data" id="effects"><caption>Fixed effects with 95% intervals (PHQ-9 points per alliance point)</caption><thead><tr><th scope="col">Effect</th><th scope="col">Estimate</th><th scope="col">95% interval</th></tr></thead><tbody>""");
            foreach (var (term, label) in new[] { (model.PredictorWithin, "Within patients: a session above the patient's own usual alliance"), (model.PredictorBetween, "Between patients: a patient whose usual alliance is higher") })
            {
                var f = effects.Fixed(term);
                body.Append(CultureInfo.InvariantCulture, $"""<tr data-term="{H(term)}"><th scope="row">{H(label)} <span class="muted">({H(term)})</span></th><td>{N(f.Estimate)}</td><td>{N(f.CiLow)} to {N(f.CiHigh)}</td></tr>""");
            }

            body.Append(CultureInfo.InvariantCulture, $"""</tbody></table><p class="help">{effects.ObservationCount} session pairs from {effects.GroupCount} patients{(effects.Converged ? "" : "; the fit did not converge, read with care")}{(effects.Singular ? "; the fit is singular" : "")}. Associations in observational data, not proof that alliance changes symptoms. Formula: {H(model.Formula)}.</p>""");
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"""<p class="muted">Not enough data for this model yet: {H(models.EffectsReason)}</p>""");
        }

        body.Append("</section>");

        var share = load.Sessions == 0 ? 0 : (double)load.AlertedSessions / load.Sessions;
        body.Append(CultureInfo.InvariantCulture, $"""
            <section aria-labelledby="ruptures-h"><h2 id="ruptures-h">Ruptures and alert load</h2>
            <dl class="stats">
            <div><dt>Repaired</dt><dd id="repaired">{months.Sum(m => m.Repaired)}</dd></div>
            <div><dt>Unrepaired</dt><dd id="unrepaired">{months.Sum(m => m.Unrepaired)}</dd></div>
            <div><dt>Still open</dt><dd id="still-open">{months.Sum(m => m.StillOpen)}</dd></div>
            <div><dt>Sessions with an alert</dt><dd id="share-alerted">{share.ToString("0.0%", CultureInfo.InvariantCulture)}</dd></div>
            </dl>
            <p class="help">{load.AlertedSessions} of {load.Sessions} sessions raised an alert (withdrawn alerts not counted).</p>
            <table class="data" id="ruptures-per-month"><caption>Ruptures per month (by the date of the session that raised them)</caption>
            <thead><tr><th scope="col">Month</th><th scope="col">Ruptures</th><th scope="col">Repaired</th><th scope="col">Unrepaired</th></tr></thead><tbody>
            """);
        foreach (var month in WithEmptyMonths(months))
        {
            body.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row">{H(month.Month)}</th><td>{month.Ruptures}</td><td>{month.Repaired}</td><td>{month.Unrepaired}</td></tr>""");
        }

        body.Append("</tbody></table></section>");
        return Page(http, "Clinic overview", "overview", body.ToString());
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
