using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Dashboard.Pages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// Acknowledge or resolve an alert from the inbox's form, then go back to the page it was on. It runs in the
/// group's unit of work, like the API's alert steps: the change, its webhook event and its audit entry commit together.
/// </summary>
internal static class AlertActionEndpoint
{
    /// <summary>The audit name of a form that chose no valid step; a valid one is recorded as the API's step.</summary>
    public const string UnchosenAction = "dashboard.alert.act";

    public static async Task<IResult> ActOnAlert(Guid alertId, HttpContext http, AlertWorkflow workflow, AuditTrail audit)
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

        var result = await workflow.ApplyAsync(new AlertActionRequest(alertId, new AlertActionBody(note.Length == 0 ? null : note)), action.Value, http);
        var auditAction = action == AlertWorkflow.Action.Acknowledge ? "alert.acknowledge" : "alert.resolve";
        if (result.Result is ProblemHttpResult problem)
        {
            audit.Refine(auditAction, patientRef: null);
            return NotDone(http, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "", returnUrl, problem.StatusCode);
        }

        audit.Refine(auditAction, ((Ok<AlertResponse>)result.Result).Value!.PatientId);
        return Results.Redirect(returnUrl);
    }

    private static RazorComponentResult<MessagePage> NotDone(HttpContext http, string why, string returnUrl, int status) =>
        DashboardPage.Render<MessagePage, MessageModel>(
            http, DashboardPage.Frame(http, "Not done", DashboardSection.Alerts),
            new MessageModel("Not done", why, IsAlert: true, null, returnUrl, "Back to the inbox"), status);
}
