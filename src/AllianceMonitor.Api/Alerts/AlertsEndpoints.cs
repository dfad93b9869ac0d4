using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Alerts;

public static class AlertsEndpoints
{
    public static RouteGroupBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/alerts").WithTags("Alerts").RequireAuthorization(p => p.RequireRole(Roles.Clinician))
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapGet("/", ListAlerts)
            .WithName(nameof(ListAlerts))
            .WithSummary("The clinic's alerts, most severe first, then newest; withdrawn ones only when asked for")
            .Audited("alert.list")
            .Validated<AlertListQuery>();

        group.MapGet("/{alertId:guid}", GetAlert)
            .WithName(nameof(GetAlert))
            .WithSummary("One alert with its evidence and plain-language explanation")
            .Audited("alert.read");

        group.MapPost("/{alertId:guid}/acknowledge", AcknowledgeAlert)
            .WithName(nameof(AcknowledgeAlert))
            .WithSummary("Mark an open alert as seen, with an optional note from a closed list")
            .Audited("alert.acknowledge")
            .Validated<AlertActionRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPost("/{alertId:guid}/resolve", ResolveAlert)
            .WithName(nameof(ResolveAlert))
            .WithSummary("Close an open or acknowledged alert, with an optional note from a closed list")
            .Audited("alert.resolve")
            .Validated<AlertActionRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        return group;
    }

    public static async Task<Ok<PagedList<AlertResponse>>> ListAlerts(
        [AsParameters] AlertListQuery query, HttpContext http, AllianceDbContext db)
    {
        var clinicId = Caller.ClinicOf(http.User);
        var alerts = db.Alerts.AsNoTracking().Where(a => a.ClinicId == clinicId);
        alerts = query.Status is null
            ? alerts.Where(a => a.Status != AlertStatus.Withdrawn)
            : alerts.Where(a => a.Status == StoredNames.Parse<AlertStatus>(query.Status));
        if (query.Kind is not null)
        {
            alerts = alerts.Where(a => a.Kind == StoredNames.Parse<AlertKind>(query.Kind));
        }

        if (query.TherapistId is not null)
        {
            alerts = alerts.Where(a => a.Patient!.Therapist != null && a.Patient.Therapist.ExternalId == query.TherapistId);
        }

        if (query.Since is { } since)
        {
            alerts = alerts.Where(a => a.UpdatedAt >= since);
        }

        var total = await alerts.CountAsync(http.RequestAborted);
        var page = await alerts
            .Include(a => a.Patient).ThenInclude(p => p!.Therapist)
            .OrderByDescending(a => a.Severity).ThenByDescending(a => a.CreatedAt).ThenBy(a => a.Id)
            .Skip((query.PageOrDefault - 1) * query.PageSizeOrDefault)
            .Take(query.PageSizeOrDefault)
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new PagedList<AlertResponse>(
            page.Select(AlertMapping.ToResponse).ToList(), query.PageOrDefault, query.PageSizeOrDefault, total));
    }

    public static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> GetAlert(Guid alertId, HttpContext http, AllianceDbContext db)
    {
        var alert = await FindAsync(db, Caller.ClinicOf(http.User), alertId, http.RequestAborted);
        return alert is null ? NotFoundProblems.Alert(alertId) : TypedResults.Ok(AlertMapping.ToResponse(alert));
    }

    public static Task<Results<Ok<AlertResponse>, ProblemHttpResult>> AcknowledgeAlert(
        [AsParameters] AlertActionRequest request, HttpContext http, AlertWorkflow workflow) =>
        workflow.ApplyAsync(request, AlertWorkflow.Action.Acknowledge, http);

    public static Task<Results<Ok<AlertResponse>, ProblemHttpResult>> ResolveAlert(
        [AsParameters] AlertActionRequest request, HttpContext http, AlertWorkflow workflow) =>
        workflow.ApplyAsync(request, AlertWorkflow.Action.Resolve, http);

    internal static Task<Alert?> FindAsync(AllianceDbContext db, Guid clinicId, Guid alertId, CancellationToken cancellationToken) =>
        db.Alerts.Include(a => a.Patient).ThenInclude(p => p!.Therapist)
            .SingleOrDefaultAsync(a => a.Id == alertId && a.ClinicId == clinicId, cancellationToken);
}
