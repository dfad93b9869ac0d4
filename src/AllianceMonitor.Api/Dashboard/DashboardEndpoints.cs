using System.Security.Claims;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
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
    public static void MapDashboard(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/login", LoginPage).AllowAnonymous();
        pages.MapPost("/login", SignIn).AllowAnonymous().RequireRateLimiting(SignInLimit.PolicyName);
        pages.MapPost("/logout", (Delegate)SignOut).AllowAnonymous();

        var clinician = pages.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Clinician));
        clinician.MapGet("/", InboxPage.Render);
        clinician.MapPost("/alerts/{alertId:guid}/act", ActOnAlert);
        clinician.MapGet("/patients", PatientPages.List);
        clinician.MapGet("/patients/{patientId}", PatientPages.Patient);
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

}

internal static class DashboardAudit
{
    public static async Task RecordAsync(AllianceDbContext db, Guid keyId, Guid? clinicId, string action, string? patientRef, int outcome)
    {
        db.AuditLog.Add(new AuditEntry { ApiKeyId = keyId, ClinicId = clinicId, Action = action, PatientRef = patientRef, Outcome = outcome });
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
