using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Dashboard.Pages;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>Acknowledge or resolve an alert from the inbox's form, then go back to the page it was on.</summary>
internal static class AlertActionEndpoint
{
    public static async Task<IResult> ActOnAlert(Guid alertId, HttpContext http, AllianceDbContext db, AlertWorkflow workflow)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = DashboardPage.SafeReturn(form["returnUrl"]);
        var action = form["action"].ToString() switch
        {
            "acknowledge" => AlertWorkflow.Action.Acknowledge,
            "resolve" => (AlertWorkflow.Action?)AlertWorkflow.Action.Resolve,
            _ => null,
        };
        var note = form["note"].ToString();
        if (action is null || (note.Length > 0 && !AlertNotes.All.Contains(note)))
        {
            return NotDone(http, "Choose Acknowledge or Resolve and a note from the list.", returnUrl, StatusCodes.Status400BadRequest);
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
            return NotDone(http, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "", returnUrl, problem.StatusCode);
        }

        var patientRef = ((Ok<AlertResponse>)result.Result).Value!.PatientId;
        await DashboardAudit.RecordAsync(db, caller.KeyId, caller.ClinicId, auditAction, patientRef, StatusCodes.Status200OK);
        await transaction.CommitAsync(http.RequestAborted);
        return Results.Redirect(returnUrl);
    }

    private static RazorComponentResult<MessagePage> NotDone(HttpContext http, string why, string returnUrl, int status) =>
        DashboardPage.Render<MessagePage, MessageModel>(
            http, DashboardPage.Frame(http, "Not done", DashboardSection.Alerts),
            new MessageModel("Not done", why, IsAlert: true, null, returnUrl, "Back to the inbox"), status);
}
