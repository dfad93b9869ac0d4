using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Patients;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Dashboard.DashboardHtml;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// The clinician dashboard: sign-in with a clinician key, the alert inbox, a patient's course and the clinic overview.
/// Pages are server-rendered; the only script draws the patient chart. Every page view and action is audited.
/// </summary>
public static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions ChartJson = new(JsonSerializerDefaults.Web);

    public static void MapDashboard(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/login", LoginPage).AllowAnonymous();
        pages.MapPost("/login", SignIn).AllowAnonymous().RequireRateLimiting(SignInLimit.PolicyName);
        pages.MapPost("/logout", (Delegate)SignOut).AllowAnonymous();

        var clinician = pages.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Clinician));
        clinician.MapGet("/", Inbox);
        clinician.MapPost("/alerts/{alertId:guid}/act", ActOnAlert);
        clinician.MapGet("/patients", PatientList);
        clinician.MapGet("/patients/{patientId}", PatientPage);
        clinician.MapGet("/overview", OverviewPage.Render);
    }

    private static IResult LoginPage(HttpContext http, string? returnUrl, string? signedOut)
    {
        if (DashboardAuthentication.IsCookieAuthenticated(http))
        {
            return Results.Redirect(SafeReturn(returnUrl));
        }

        return LoginForm(http, returnUrl, signedOut is null ? null : "You are signed out.", error: null, StatusCodes.Status200OK);
    }

    private static IResult LoginForm(HttpContext http, string? returnUrl, string? notice, string? error, int status)
    {
        var message = error is not null
            ? $"""<p class="error" role="alert" id="login-error">{H(error)}</p>"""
            : notice is not null ? $"""<p class="notice" role="status">{H(notice)}</p>""" : "";
        var body = $"""
            <h1>Sign in</h1>
            {message}
            <form method="post" action="/login" class="login">
            {Csrf(http)}
            <input type="hidden" name="returnUrl" value="{H(SafeReturn(returnUrl))}">
            <label for="key">Clinician key</label>
            <input id="key" name="key" type="password" autocomplete="off" required spellcheck="false" aria-describedby="key-help">
            <p id="key-help" class="help">Paste the clinician API key your clinic's administrator gave you. It is exchanged for a session cookie and is not kept in the browser.</p>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """;
        return Page(http, "Sign in", "login", body, status);
    }

    private static async Task<IResult> SignIn(HttpContext http, AllianceDbContext db)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = SafeReturn(form["returnUrl"]);
        var presented = form["key"].ToString().Trim();
        var key = presented.Length == 0 ? null : await ApiKeyLookup.FindAsync(db, presented, http.RequestAborted);
        if (key is null || key.ClinicId is null || !key.Roles.Contains(Roles.Clinician))
        {
            if (key is not null)
            {
                await DashboardAudit.RecordAsync(db, key.Id, key.ClinicId, "dashboard.sign_in", null, StatusCodes.Status403Forbidden);
            }

            return LoginForm(http, returnUrl, null, "That key was not recognised, has been revoked, or is not a clinic's clinician key.", StatusCodes.Status401Unauthorized);
        }

        var principal = new ClaimsPrincipal(ApiKeyLookup.Identity(key, DashboardAuthentication.CookieScheme));
        await http.SignInAsync(DashboardAuthentication.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false });
        await DashboardAudit.RecordAsync(db, key.Id, key.ClinicId, "dashboard.sign_in", null, StatusCodes.Status200OK);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> SignOut(HttpContext http)
    {
        await http.SignOutAsync(DashboardAuthentication.CookieScheme);
        return Results.Redirect("/login?signedOut=1");
    }

    private static async Task<IResult> Inbox(HttpContext http, AllianceDbContext db, string? therapist, string? kind, string? status)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        status = status is null || status == "active" || !AlertStatus.All.Contains(status) ? "active" : status;
        kind = kind is not null && AlertKinds.All.Contains(kind) ? kind : null;
        therapist = string.IsNullOrWhiteSpace(therapist) ? null : therapist;

        var all = db.Alerts.AsNoTracking().Where(a => a.ClinicId == clinicId);
        var counts = await all.GroupBy(a => 1).Select(g => new
        {
            Open = g.Count(a => a.Status == AlertStatus.Open),
            Acknowledged = g.Count(a => a.Status == AlertStatus.Acknowledged),
            Repaired = g.Count(a => a.Kind == AlertKinds.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == "repaired"),
            Unrepaired = g.Count(a => a.Kind == AlertKinds.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == "unrepaired"),
            OpenRuptures = g.Count(a => a.Kind == AlertKinds.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == "open"),
        }).SingleOrDefaultAsync(http.RequestAborted);

        var filtered = all.Include(a => a.Patient).ThenInclude(p => p!.Therapist).AsQueryable();
        filtered = status == "active"
            ? filtered.Where(a => a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)
            : filtered.Where(a => a.Status == status);
        if (kind is not null)
        {
            filtered = filtered.Where(a => a.Kind == kind);
        }

        if (therapist is not null)
        {
            filtered = filtered.Where(a => a.Patient!.Therapist != null && a.Patient.Therapist.ExternalId == therapist);
        }

        var alerts = (await filtered.OrderByDescending(a => a.Severity).ThenByDescending(a => a.CreatedAt).ThenBy(a => a.Id)
            .Take(500).ToListAsync(http.RequestAborted)).Select(AlertMapping.ToResponse).ToList();
        var therapists = await db.Therapists.AsNoTracking().Where(t => t.ClinicId == clinicId).OrderBy(t => t.ExternalId)
            .Select(t => t.ExternalId).ToListAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, clinicId, "dashboard.alerts.list", null, StatusCodes.Status200OK);

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
            {Select("kind", "Kind", kind, [("", "All kinds"), (AlertKinds.Rupture, "Rupture"), (AlertKinds.LowAlliance, "Low alliance")])}
            {Select("status", "Status", status, [("active", "Open and acknowledged"), (AlertStatus.Open, "Open"), (AlertStatus.Acknowledged, "Acknowledged"), (AlertStatus.Resolved, "Resolved"), (AlertStatus.Withdrawn, "Withdrawn")])}
            <button type="submit">Apply filters</button>
            </form>
            """);

        if (status == "active")
        {
            AppendSection(body, http, "open-alerts", "Open", alerts.Where(a => a.Status == AlertStatus.Open).ToList(), returnUrl);
            AppendSection(body, http, "acknowledged-alerts", "Acknowledged", alerts.Where(a => a.Status == AlertStatus.Acknowledged).ToList(), returnUrl);
        }
        else
        {
            AppendSection(body, http, status + "-alerts", char.ToUpperInvariant(status[0]) + status[1..], alerts, returnUrl);
        }

        return Page(http, "Alerts", "alerts", body.ToString());
    }

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

    private static void AppendSection(StringBuilder body, HttpContext http, string id, string title, List<AlertResponse> alerts, string returnUrl)
    {
        body.Append(CultureInfo.InvariantCulture, $"""<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{H(title)} <span class="muted">({alerts.Count})</span></h2>""");
        if (alerts.Count == 0)
        {
            body.Append("<p class=\"muted\">None.</p>");
        }

        foreach (var a in alerts)
        {
            var severity = SeverityNames[Math.Clamp(a.Severity, 0, 3)];
            var kind = a.Kind == AlertKinds.Rupture ? "Rupture" : "Low alliance";
            var rupture = a.RuptureStatus is null ? "" : $", rupture {H(a.RuptureStatus)}{(a.StatusSession is { } s ? $" at session {s}" : "")}";
            var e = a.Evidence;
            body.Append(CultureInfo.InvariantCulture, $"""
                <article class="alert sev-{a.Severity}" id="alert-{a.Id}" data-alert-id="{a.Id}" data-status="{H(a.Status)}" aria-labelledby="alert-{a.Id}-h">
                <h3 id="alert-{a.Id}-h"><span class="sev">{severity}</span> {kind} · <a href="/patients/{Uri.EscapeDataString(a.PatientId)}">Patient {H(a.PatientId)}</a> · session {a.Session}</h3>
                <p class="meta">Therapist {H(a.TherapistId ?? "unknown")} · {H(a.Instrument)} ({H(a.Rater)}) · status {H(a.Status)}{rupture}</p>
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

    private static async Task<IResult> ActOnAlert(Guid alertId, HttpContext http, AllianceDbContext db, AlertWorkflow workflow)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = SafeReturn(form["returnUrl"]);
        var action = form["action"].ToString() switch
        {
            "acknowledge" => AlertWorkflow.Action.Acknowledge,
            "resolve" => (AlertWorkflow.Action?)AlertWorkflow.Action.Resolve,
            _ => null,
        };
        var note = form["note"].ToString();
        if (action is null || (note.Length > 0 && !AlertNotes.All.Contains(note)))
        {
            return Page(http, "Not done", "alerts", $"""<h1>Not done</h1><p role="alert">Choose Acknowledge or Resolve and a note from the list.</p><p><a href="{H(returnUrl)}">Back to the inbox</a></p>""", StatusCodes.Status400BadRequest);
        }

        var caller = Caller.From(http.User);
        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        var result = await workflow.ApplyAsync(new AlertActionRequest(alertId, new AlertActionBody(note.Length == 0 ? null : note)), action.Value, http);
        var auditAction = action == AlertWorkflow.Action.Acknowledge ? "alert.acknowledge" : "alert.resolve";
        if (result.Result is ProblemHttpResult problem)
        {
            await transaction.RollbackAsync(http.RequestAborted);
            db.ChangeTracker.Clear();
            await DashboardAudit.RecordAsync(db, caller.KeyId, caller.ClinicId, auditAction, null, problem.StatusCode);
            return Page(http, "Not done", "alerts", $"""<h1>Not done</h1><p role="alert">{H(problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title)}</p><p><a href="{H(returnUrl)}">Back to the inbox</a></p>""", problem.StatusCode);
        }

        var patientRef = ((Ok<AlertResponse>)result.Result).Value!.PatientId;
        await DashboardAudit.RecordAsync(db, caller.KeyId, caller.ClinicId, auditAction, patientRef, StatusCodes.Status200OK);
        await transaction.CommitAsync(http.RequestAborted);
        return Results.Redirect(returnUrl);
    }

    private static async Task<IResult> PatientList(HttpContext http, AllianceDbContext db)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        var patients = await db.Patients.AsNoTracking().Where(p => p.ClinicId == clinicId).OrderBy(p => p.ExternalId)
            .Select(p => new
            {
                p.ExternalId,
                Therapist = p.Therapist == null ? null : p.Therapist.ExternalId,
                Sessions = p.Sessions.Count,
                Last = p.Sessions.Max(s => s.OccurredOn),
                Active = db.Alerts.Count(a => a.PatientId == p.Id && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged)),
            })
            .Take(1000).ToListAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, clinicId, "dashboard.patients.list", null, StatusCodes.Status200OK);

        var body = new StringBuilder("""
            <h1>Patients</h1>
            <table class="data"><caption>Patients of this clinic, by pseudonymous id</caption>
            <thead><tr><th scope="col">Patient</th><th scope="col">Therapist</th><th scope="col">Sessions</th><th scope="col">Last session</th><th scope="col">Alerts needing attention</th></tr></thead><tbody>
            """);
        foreach (var p in patients)
        {
            body.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row"><a href="/patients/{Uri.EscapeDataString(p.ExternalId)}">{H(p.ExternalId)}</a></th><td>{H(p.Therapist ?? "–")}</td><td>{p.Sessions}</td><td>{H(p.Last?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–")}</td><td>{p.Active}</td></tr>""");
        }

        body.Append("</tbody></table>");
        return Page(http, "Patients", "patients", body.ToString());
    }

    private static async Task<IResult> PatientPage(string patientId, HttpContext http, AllianceDbContext db, CalibrationStore calibrations)
    {
        var caller = Caller.From(http.User);
        var trajectoryResult = await TrajectoryEndpoint.GetTrajectory(patientId, http, db, calibrations);
        if (trajectoryResult.Result is not Ok<TrajectoryResponse> { Value: { } trajectory })
        {
            return Page(http, "Not found", "patients", $"""<h1>Patient not found</h1><p>No patient {H(patientId)} in this clinic.</p><p><a href="/patients">All patients</a></p>""", StatusCodes.Status404NotFound);
        }

        var sessions = await db.Patients.AsNoTracking()
            .Where(p => p.ClinicId == caller.ClinicId && p.ExternalId == patientId)
            .SelectMany(p => p.Sessions)
            .OrderBy(s => s.Number)
            .Select(s => new { s.Number, s.OccurredOn, s.Modality })
            .ToListAsync(http.RequestAborted);
        await DashboardAudit.RecordAsync(db, caller.KeyId, caller.ClinicId, "dashboard.patient.read", patientId, StatusCodes.Status200OK);

        var alliance = trajectory.Alliance.OrderBy(a => a.Instrument == "wai-sr" ? 0 : 1).ThenBy(a => a.Rater == "client" ? 0 : 1).FirstOrDefault();
        var symptoms = trajectory.Symptoms.OrderBy(s => s.Instrument == "phq-9" ? 0 : 1).ThenBy(s => s.Rater == "client" ? 0 : 1).FirstOrDefault();
        var points = alliance?.Points.ToDictionary(p => p.Session) ?? [];
        var scores = symptoms?.Points.ToDictionary(p => p.Session) ?? [];
        var alertsBySession = trajectory.Alerts.ToLookup(a => a.Session);
        var numbers = sessions.Select(s => s.Number).Union(points.Keys).Union(scores.Keys).Order().ToList();
        var modality = sessions.ToDictionary(s => s.Number, s => s.Modality);

        var ruptures = trajectory.Alerts.Where(a => a.Kind == AlertKinds.Rupture && (alliance is null || (a.Instrument == alliance.Instrument && a.Rater == alliance.Rater))).ToList();
        var chart = new
        {
            instrument = alliance?.Instrument,
            rater = alliance?.Rater,
            symptomInstrument = symptoms?.Instrument,
            sessions = numbers,
            modality = numbers.Select(n => modality.GetValueOrDefault(n)).ToList(),
            value = numbers.Select(n => points.TryGetValue(n, out var p) ? p.Value : (double?)null).ToList(),
            baseline = numbers.Select(n => points.TryGetValue(n, out var p) ? p.Baseline : null).ToList(),
            bandLower = numbers.Select(n => points.TryGetValue(n, out var p) ? p.BandLower : null).ToList(),
            bandUpper = numbers.Select(n => points.TryGetValue(n, out var p) ? p.BandUpper : null).ToList(),
            symptoms = numbers.Select(n => scores.TryGetValue(n, out var p) ? p.Value : (double?)null).ToList(),
            ruptures = ruptures.Select(a => new { session = a.Session, status = a.RuptureStatus }).ToList(),
            repairs = ruptures.Where(a => a.RuptureStatus == "repaired" && a.StatusSession is not null).Select(a => new { session = a.StatusSession }).ToList(),
            unrepaired = ruptures.Where(a => a.RuptureStatus == "unrepaired" && a.StatusSession is not null).Select(a => new { session = a.StatusSession }).ToList(),
        };

        var summary = alliance is null
            ? "No alliance ratings yet."
            : $"{numbers.Count} sessions; {ruptures.Count} rupture(s): {ruptures.Count(r => r.RuptureStatus == "repaired")} repaired, {ruptures.Count(r => r.RuptureStatus == "unrepaired")} unrepaired, {ruptures.Count(r => r.RuptureStatus == "open")} open.";
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <p><a href="/patients">← All patients</a></p>
            <h1>Patient {H(trajectory.PatientId)}</h1>
            <p class="meta">Therapist {H(trajectory.TherapistId ?? "unknown")}{(alliance is null ? "" : $" · alliance: {H(alliance.Instrument)} ({H(alliance.Rater)}), calibration v{alliance.CalibrationVersion}{(alliance.DefaultCalibration ? " (default)" : "")}, within-patient SD {N(alliance.WithinSd)}")}</p>
            <p id="patient-summary">{H(summary)}</p>
            <figure class="chart">
            <div class="chart-box"><canvas id="alliance-chart" role="img" aria-label="Alliance by session with the patient's baseline and alert band, rupture and repair markers, and {H(symptoms?.Instrument ?? "symptom")} scores on a second axis. The same numbers are in the table below."></canvas></div>
            <figcaption>Alliance ({H(alliance?.Instrument ?? "none")}) per session, the baseline from earlier sessions (shrunken person mean) and the band outside which a change is flagged; ▼ marks a rupture, ● a repair, ✕ a rupture found unrepaired. {H(symptoms?.Instrument ?? "Symptoms")} on the right axis (higher is worse).</figcaption>
            </figure>
            <script type="application/json" id="chart-data">{JsonSerializer.Serialize(chart, ChartJson)}</script>
            <table class="data" id="session-table"><caption>Sessions</caption>
            <thead><tr><th scope="col">Session</th><th scope="col">Date</th><th scope="col">Modality</th><th scope="col">Alliance</th><th scope="col">Baseline</th><th scope="col">Band</th><th scope="col">Deviation (SDs)</th><th scope="col">{H(symptoms?.Instrument ?? "Symptoms")}</th><th scope="col">Alerts</th></tr></thead><tbody>
            """);
        foreach (var n in numbers)
        {
            points.TryGetValue(n, out var p);
            scores.TryGetValue(n, out var sc);
            var date = sessions.FirstOrDefault(s => s.Number == n)?.OccurredOn;
            var alertText = string.Join("; ", alertsBySession[n].Select(a => $"{(a.Kind == AlertKinds.Rupture ? "rupture" : "low alliance")} ({a.Status}{(a.RuptureStatus is null ? "" : ", " + a.RuptureStatus)})"));
            var band = p?.BandLower is { } lo && p.BandUpper is { } hi ? $"{N(lo)}–{N(hi)}" : "–";
            body.Append(CultureInfo.InvariantCulture, $"""<tr{(p?.InRupture == true ? " class=\"in-rupture\"" : "")}><th scope="row">{n}</th><td>{H(date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–")}</td><td>{H(modality.GetValueOrDefault(n) ?? "–")}</td><td>{N(p?.Value)}</td><td>{N(p?.Baseline)}</td><td>{band}</td><td>{N(p?.DeviationSds, "+0.0;-0.0;0.0")}</td><td>{N(sc?.Value, "0")}</td><td>{H(alertText)}</td></tr>""");
        }

        body.Append("</tbody></table>");
        var script = """<script src="/lib/chartjs/chart.umd.min.js"></script><script src="/js/patient-chart.js"></script>""";
        return Page(http, $"Patient {trajectory.PatientId}", "patients", body.ToString(), script: script);
    }
}

internal static class DashboardAudit
{
    public static async Task RecordAsync(AllianceDbContext db, Guid keyId, Guid? clinicId, string action, string? patientRef, int outcome)
    {
        db.AuditLog.Add(new AuditEntry { ApiKeyId = keyId, ClinicId = clinicId, Action = action, PatientRef = patientRef, Outcome = outcome });
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
