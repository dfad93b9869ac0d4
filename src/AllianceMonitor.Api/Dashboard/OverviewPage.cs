using System.Globalization;
using System.Text;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Dashboard.DashboardHtml;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// The clinic at a glance, computed here from the clinic's own ratings (WAI-SR client and PHQ-9): the null model of
/// alliance, the alliance_to_symptoms model, ruptures per month and the share of sessions alerted.
/// </summary>
internal static class OverviewPage
{
    public static async Task<IResult> Render(HttpContext http, AllianceDbContext db)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        var rows = await db.Patients.AsNoTracking().Where(p => p.ClinicId == clinicId)
            .SelectMany(p => p.Sessions.Select(s => new
            {
                Patient = p.ExternalId,
                Therapist = p.Therapist == null ? null : p.Therapist.ExternalId,
                s.Number,
                Alliance = s.Measurements.Where(m => m.SupersededAt == null && m.Instrument == "wai-sr" && m.Rater == "client").Select(m => (double?)m.Total).FirstOrDefault(),
                Symptoms = s.Measurements.Where(m => m.SupersededAt == null && m.Instrument == "phq-9" && m.Rater == "client").Select(m => (double?)m.Total).FirstOrDefault(),
            }))
            .ToListAsync(http.RequestAborted);
        var observations = rows.Select(r => new SessionObservation(r.Patient, r.Therapist, r.Number, r.Alliance, r.Symptoms)).ToList();

        var ruptures = await db.Alerts.AsNoTracking()
            .Where(a => a.ClinicId == clinicId && a.Kind == AlertKinds.Rupture && a.Status != AlertStatus.Withdrawn)
            .Select(a => new
            {
                a.RuptureStatus,
                Date = db.Sessions.Where(s => s.PatientId == a.PatientId && s.Number == a.Session).Select(s => s.OccurredOn).FirstOrDefault(),
                a.CreatedAt,
            })
            .ToListAsync(http.RequestAborted);
        var alertedSessions = await db.Alerts.AsNoTracking()
            .Where(a => a.ClinicId == clinicId && a.Status != AlertStatus.Withdrawn)
            .Select(a => new { a.PatientId, a.Session }).Distinct().CountAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, clinicId, "dashboard.overview.read", null, StatusCodes.Status200OK);

        var body = new StringBuilder("<h1>Clinic overview</h1>");
        body.Append(CultureInfo.InvariantCulture, $"""<p class="meta">{rows.Select(r => r.Patient).Distinct().Count()} patients, {rows.Count} sessions. Alliance is the client WAI-SR (item mean, 1–5); symptoms the PHQ-9 (0–27).</p>""");

        body.Append("""<section aria-labelledby="null-h"><h2 id="null-h">How much alliance varies</h2>""");
        try
        {
            var fit = NullModel.Fit(observations.Where(o => o.Alliance is not null).ToList()).Summary;
            body.Append(CultureInfo.InvariantCulture, $"""
                <dl class="stats">
                <div><dt>ICC</dt><dd id="icc">{N(fit.Icc)}</dd></div>
                <div><dt>Within-patient SD</dt><dd id="within-sd">{N(fit.WithinSd)}</dd></div>
                </dl>
                <p class="help">The ICC is the share of alliance variance that lies between patients; the rest moves session to session within a patient, which is what the rupture alerts watch. Null model: {H(NullModel.Formula)}.</p>
                """);
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            body.Append(CultureInfo.InvariantCulture, $"""<p class="muted">Not enough data for the null model yet: {H(e.Message)}</p>""");
        }

        body.Append("</section>");
        body.Append("""<section aria-labelledby="effects-h"><h2 id="effects-h">Alliance and next-session symptoms (alliance_to_symptoms)</h2>""");
        try
        {
            var model = ModelCatalog.AllianceToSymptoms;
            var fit = MixedModelFitter.Fit(LaggedDesign.Build(observations, model), FitMethod.Reml);
            body.Append("""<table class="data" id="effects"><caption>Fixed effects with 95% intervals (PHQ-9 points per alliance point)</caption><thead><tr><th scope="col">Effect</th><th scope="col">Estimate</th><th scope="col">95% interval</th></tr></thead><tbody>""");
            foreach (var (term, label) in new[] { (model.PredictorWithin, "Within patients: a session above the patient's own usual alliance"), (model.PredictorBetween, "Between patients: a patient whose usual alliance is higher") })
            {
                var f = fit.Fixed(term);
                body.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row">{H(label)} <span class="muted">({H(term)})</span></th><td>{N(f.Estimate)}</td><td>{N(f.CiLow)} to {N(f.CiHigh)}</td></tr>""");
            }

            body.Append(CultureInfo.InvariantCulture, $"""</tbody></table><p class="help">{fit.ObservationCount} session pairs from {fit.GroupCount} patients{(fit.Converged ? "" : "; the fit did not converge, read with care")}{(fit.Singular ? "; the fit is singular" : "")}. Associations in observational data, not proof that alliance changes symptoms. Formula: {H(model.Formula)}.</p>""");
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            body.Append(CultureInfo.InvariantCulture, $"""<p class="muted">Not enough data for this model yet: {H(e.Message)}</p>""");
        }

        body.Append("</section>");

        var share = rows.Count == 0 ? 0 : (double)alertedSessions / rows.Count;
        body.Append(CultureInfo.InvariantCulture, $"""
            <section aria-labelledby="ruptures-h"><h2 id="ruptures-h">Ruptures</h2>
            <dl class="stats">
            <div><dt>Repaired</dt><dd id="repaired">{ruptures.Count(r => r.RuptureStatus == "repaired")}</dd></div>
            <div><dt>Unrepaired</dt><dd id="unrepaired">{ruptures.Count(r => r.RuptureStatus == "unrepaired")}</dd></div>
            <div><dt>Still open</dt><dd>{ruptures.Count(r => r.RuptureStatus == "open")}</dd></div>
            <div><dt>Sessions with an alert</dt><dd id="share-alerted">{share.ToString("0.0%", CultureInfo.InvariantCulture)}</dd></div>
            </dl>
            <table class="data" id="ruptures-per-month"><caption>Ruptures per month (by the date of the session that raised them)</caption>
            <thead><tr><th scope="col">Month</th><th scope="col">Ruptures</th><th scope="col">Repaired</th><th scope="col">Unrepaired</th></tr></thead><tbody>
            """);
        foreach (var month in ruptures.GroupBy(r => r.Date is { } d ? d.ToString("yyyy-MM", CultureInfo.InvariantCulture) : r.CreatedAt.ToString("yyyy-MM", CultureInfo.InvariantCulture)).OrderBy(g => g.Key))
        {
            body.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row">{H(month.Key)}</th><td>{month.Count()}</td><td>{month.Count(r => r.RuptureStatus == "repaired")}</td><td>{month.Count(r => r.RuptureStatus == "unrepaired")}</td></tr>""");
        }

        body.Append("</tbody></table></section>");
        return Page(http, "Clinic overview", "overview", body.ToString());
    }
}
