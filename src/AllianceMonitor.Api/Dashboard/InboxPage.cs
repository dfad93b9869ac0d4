using System.Globalization;
using System.Text;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Dashboard.DashboardHtml;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// The alert inbox: counts, filters, and the alerts most severe first, newest first within a severity, a page at a
/// time so a clinic with thousands of open alerts gets a page as fast as one with ten.
/// </summary>
internal static class InboxPage
{
    public const int PageSize = 50;

    /// <summary>Acknowledged alerts shown under the open ones; the rest are one link away (status filter).</summary>
    public const int AcknowledgedPreview = 20;

    public static async Task<IResult> Render(HttpContext http, AllianceDbContext db, string? therapist, string? kind, string? status, string? page)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        AlertStatus? statusFilter = StoredNames.TryParse<AlertStatus>(status, out var parsedStatus) ? parsedStatus : null;
        AlertKind? kindFilter = StoredNames.TryParse<AlertKind>(kind, out var parsedKind) ? parsedKind : null;
        status = statusFilter?.StoredName() ?? "active";
        kind = kindFilter?.StoredName();
        therapist = string.IsNullOrWhiteSpace(therapist) ? null : therapist;
        var pageNumber = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1;

        var all = db.Alerts.AsNoTracking().Where(a => a.ClinicId == clinicId);
        var counts = await all.GroupBy(a => 1).Select(g => new
        {
            Open = g.Count(a => a.Status == AlertStatus.Open),
            Acknowledged = g.Count(a => a.Status == AlertStatus.Acknowledged),
            Repaired = g.Count(a => a.Kind == AlertKind.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == RuptureStatus.Repaired),
            Unrepaired = g.Count(a => a.Kind == AlertKind.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == RuptureStatus.Unrepaired),
            OpenRuptures = g.Count(a => a.Kind == AlertKind.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == RuptureStatus.Open),
        }).SingleOrDefaultAsync(http.RequestAborted);

        var filtered = all;
        if (kindFilter is { } kindValue)
        {
            filtered = filtered.Where(a => a.Kind == kindValue);
        }

        if (therapist is not null)
        {
            filtered = filtered.Where(a => a.Patient!.Therapist != null && a.Patient.Therapist.ExternalId == therapist);
        }

        var therapists = await db.Therapists.AsNoTracking().Where(t => t.ClinicId == clinicId).OrderBy(t => t.ExternalId)
            .Select(t => t.ExternalId).ToListAsync(http.RequestAborted);

        var returnUrl = http.Request.Path + http.Request.QueryString;
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <h1>Alert inbox</h1>
            <section aria-labelledby="counts-h" class="counts">
            <h2 id="counts-h" class="visually-hidden">Counts</h2>
            <dl>
            <div><dt>Open alerts</dt><dd id="count-open">{counts?.Open ?? 0}</dd></div>
            <div><dt>Acknowledged</dt><dd id="count-acknowledged">{counts?.Acknowledged ?? 0}</dd></div>
            <div><dt>Ruptures repaired</dt><dd id="count-repaired">{counts?.Repaired ?? 0}</dd></div>
            <div><dt>Ruptures unrepaired</dt><dd id="count-unrepaired">{counts?.Unrepaired ?? 0}</dd></div>
            <div><dt>Ruptures still open</dt><dd id="count-open-ruptures">{counts?.OpenRuptures ?? 0}</dd></div>
            </dl>
            </section>
            <form method="get" action="/" class="filters" aria-label="Filter alerts">
            {Select("therapist", "Therapist", therapist, [("", "All therapists"), .. therapists.Select(t => (t, t))])}
            {Select("kind", "Kind", kind, [("", "All kinds"), .. Enum.GetValues<AlertKind>().Select(k => (k.StoredName(), k.Label()))])}
            {Select("status", "Status", status, [("active", "Open and acknowledged"), .. Enum.GetValues<AlertStatus>().Select(s => (s.StoredName(), s.Label()))])}
            <button type="submit">Apply filters</button>
            </form>
            """);

        string Link(string linkStatus, int linkPage) => "/?" + string.Join("&", new[]
        {
            therapist is null ? null : "therapist=" + Uri.EscapeDataString(therapist),
            kind is null ? null : "kind=" + kind,
            linkStatus == "active" ? null : "status=" + linkStatus,
            linkPage == 1 ? null : "page=" + linkPage.ToString(CultureInfo.InvariantCulture),
        }.Where(x => x is not null));

        var primary = statusFilter ?? AlertStatus.Open;
        var primaryQuery = filtered.Where(a => a.Status == primary);
        var primaryTotal = await primaryQuery.CountAsync(http.RequestAborted);
        var lastPage = Math.Max(1, (primaryTotal + PageSize - 1) / PageSize);
        pageNumber = Math.Min(pageNumber, lastPage);
        var primaryAlerts = await LoadAsync(primaryQuery, (pageNumber - 1) * PageSize, PageSize, http.RequestAborted);
        var title = status == "active" ? "Open" : char.ToUpperInvariant(status[0]) + status[1..];
        AppendSection(body, http, primary.StoredName() + "-alerts", title, primaryTotal, primaryAlerts, returnUrl);
        body.Append(Pager(title.ToLowerInvariant() + " alerts", pageNumber, primaryTotal, PageSize, n => Link(status, n)));

        if (status == "active")
        {
            var acknowledgedQuery = filtered.Where(a => a.Status == AlertStatus.Acknowledged);
            var acknowledgedTotal = await acknowledgedQuery.CountAsync(http.RequestAborted);
            var acknowledged = await LoadAsync(acknowledgedQuery, 0, AcknowledgedPreview, http.RequestAborted);
            AppendSection(body, http, "acknowledged-alerts", "Acknowledged", acknowledgedTotal, acknowledged, returnUrl);
            if (acknowledgedTotal > acknowledged.Count)
            {
                body.Append(CultureInfo.InvariantCulture, $"""<p><a href="{H(Link(AlertStatus.Acknowledged.StoredName(), 1))}" id="all-acknowledged">All {acknowledgedTotal} acknowledged alerts</a></p>""");
            }
        }

        await DashboardAudit.RecordAsync(db, caller.KeyId, clinicId, "dashboard.alerts.list", null, StatusCodes.Status200OK);
        return Page(http, "Alerts", "alerts", body.ToString());
    }

    private static async Task<List<AlertResponse>> LoadAsync(IQueryable<Alert> query, int skip, int take, CancellationToken cancellationToken) =>
        (await query.Include(a => a.Patient).ThenInclude(p => p!.Therapist)
            .OrderByDescending(a => a.Severity).ThenByDescending(a => a.CreatedAt).ThenBy(a => a.Id)
            .Skip(skip).Take(take).ToListAsync(cancellationToken))
        .Select(AlertMapping.ToResponse).ToList();

    private static string Select(string name, string label, string? selected, IEnumerable<(string Value, string Text)> options)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""<label for="f-{name}">{H(label)}</label><select id="f-{name}" name="{name}">""");
        foreach (var (value, text) in options)
        {
            var sel = value == (selected ?? "") ? " selected" : "";
            html.Append(CultureInfo.InvariantCulture, $"""<option value="{H(value)}"{sel}>{H(text)}</option>""");
        }

        return html.Append("</select>").ToString();
    }

    private static readonly string[] SeverityNames = ["", "Note", "Look", "Act"];

    private static void AppendSection(StringBuilder body, HttpContext http, string id, string title, int total, List<AlertResponse> alerts, string returnUrl)
    {
        body.Append(CultureInfo.InvariantCulture, $"""<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{H(title)} <span class="muted">({total})</span></h2>""");
        if (alerts.Count == 0)
        {
            body.Append("<p class=\"muted\">None.</p>");
        }

        foreach (var a in alerts)
        {
            var severity = SeverityNames[Math.Clamp(a.Severity, 0, 3)];
            var kind = a.Kind.Label();
            var rupture = a.RuptureStatus is not { } ruptureStatus ? "" : $", rupture {H(ruptureStatus.StoredName())}{(a.StatusSession is { } s ? $" at session {s}" : "")}";
            var e = a.Evidence;
            body.Append(CultureInfo.InvariantCulture, $"""
                <article class="alert sev-{a.Severity}" id="alert-{a.Id}" data-alert-id="{a.Id}" data-status="{H(a.Status.StoredName())}" aria-labelledby="alert-{a.Id}-h">
                <h3 id="alert-{a.Id}-h"><span class="sev">{severity}</span> {kind} · <a href="/patients/{Uri.EscapeDataString(a.PatientId)}">Patient {H(a.PatientId)}</a> · session {a.Session}</h3>
                <p class="meta">Therapist {H(a.TherapistId ?? "unknown")} · {H(a.Instrument)} ({H(a.Rater.StoredName())}) · status {H(a.Status.StoredName())}{rupture}</p>
                <p class="explanation">{H(e.Explanation)}</p>
                <details><summary>Evidence</summary><dl class="evidence">
                <div><dt>Observed</dt><dd>{N(e.Observed)}</dd></div>
                <div><dt>Baseline</dt><dd>{N(e.Baseline)}</dd></div>
                <div><dt>Drop</dt><dd>{N(e.DropInSds, "0.0")} within-patient SDs</dd></div>
                <div><dt>Threshold</dt><dd>{N(e.Threshold)}</dd></div>
                <div><dt>Rule</dt><dd>{H(e.Rule)} v{e.RuleVersion}, calibration v{e.CalibrationVersion}{(e.DefaultCalibration ? " (default)" : "")}</dd></div>
                <div><dt>Expected symptom change</dt><dd>{(e.ExpectedSymptomChange is { } x ? N(x, "+0.0;-0.0") + " points next session" : "not fitted")}</dd></div>
                </dl></details>
                """);
            if (a.Status is AlertStatus.Open or AlertStatus.Acknowledged)
            {
                var noteId = $"note-{a.Id}";
                body.Append(CultureInfo.InvariantCulture, $"""
                    <form method="post" action="/alerts/{a.Id}/act" class="actions">
                    {Csrf(http)}
                    <input type="hidden" name="returnUrl" value="{H(returnUrl)}">
                    <label for="{noteId}">Note (optional)</label>
                    <select id="{noteId}" name="note"><option value="">No note</option>{string.Concat(AlertNotes.All.Select(n => $"<option value=\"{n}\">{H(n.Replace('_', ' '))}</option>"))}</select>
                    {(a.Status == AlertStatus.Open ? $"""<button type="submit" name="action" value="acknowledge" class="ack">Acknowledge</button>""" : "")}
                    <button type="submit" name="action" value="resolve" class="resolve">Resolve</button>
                    </form>
                    """);
            }

            body.Append("</article>");
        }

        body.Append("</section>");
    }
}
