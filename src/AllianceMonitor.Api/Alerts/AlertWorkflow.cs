using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Alerts;

/// <summary>
/// A clinician's steps: open → acknowledged → resolved (or open → resolved). Repeating a step is harmless and
/// changes nothing; stepping back, or acting on a withdrawn alert, is a 409.
/// </summary>
public sealed class AlertWorkflow(AllianceDbContext db, TimeProvider clock)
{
    public enum Action
    {
        Acknowledge,
        Resolve,
    }

    public async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> ApplyAsync(AlertActionRequest request, Action action, HttpContext http)
    {
        var caller = Caller.From(http.User);
        // Lock the row for this transaction first, then load it with LINQ: FromSql does not map the evidence's
        // complex-property columns to their configured names (dotnet/efcore#36847).
        await db.Database.ExecuteSqlAsync(
            $"SELECT 1 FROM alerts WHERE id = {request.AlertId} AND clinic_id = {caller.ClinicId} FOR UPDATE", http.RequestAborted);
        var alert = await db.Alerts
            .Where(a => a.Id == request.AlertId && a.ClinicId == caller.ClinicId)
            .Include(a => a.Patient).ThenInclude(p => p!.Therapist)
            .SingleOrDefaultAsync(http.RequestAborted);
        if (alert is null)
        {
            return NotFoundProblems.Alert(request.AlertId);
        }

        var target = action == Action.Acknowledge ? AlertStatus.Acknowledged : AlertStatus.Resolved;
        if (alert.Status == target)
        {
            return TypedResults.Ok(AlertMapping.ToResponse(alert));
        }

        var allowedFrom = action == Action.Acknowledge ? [AlertStatus.Open] : new[] { AlertStatus.Open, AlertStatus.Acknowledged };
        if (!allowedFrom.Contains(alert.Status))
        {
            return TypedResults.Problem(
                $"The alert is {alert.Status.StoredName()}; only {string.Join(" or ", allowedFrom.Select(s => s.StoredName()))} alerts can be {target.StoredName()}.",
                statusCode: StatusCodes.Status409Conflict,
                title: "Alert cannot make this step");
        }

        var now = Timestamps.Now(clock);
        alert.Status = target;
        alert.UpdatedAt = now;
        if (action == Action.Acknowledge)
        {
            (alert.AcknowledgedAt, alert.AcknowledgedBy, alert.AcknowledgeNote) = (now, caller.KeyId, request.Body?.Note);
        }
        else
        {
            (alert.ResolvedAt, alert.ResolvedBy, alert.ResolveNote) = (now, caller.KeyId, request.Body?.Note);
        }

        AlertEvents.Enqueue(db, alert, alert.Patient!, created: false);
        await db.SaveChangesAsync(http.RequestAborted);
        return TypedResults.Ok(AlertMapping.ToResponse(alert));
    }
}
