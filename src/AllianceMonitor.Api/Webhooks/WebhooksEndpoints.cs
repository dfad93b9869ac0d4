using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Webhooks;

public static class WebhooksEndpoints
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(p => p.RequireRole(Roles.Admin))
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();

        group.MapPost("/", CreateWebhook)
            .WithName(nameof(CreateWebhook))
            .WithSummary("Register a receiver for the clinic's events; the signing secret is shown in this response only")
            .Audited("webhook.create")
            .Validated<CreateWebhookRequest>();

        group.MapGet("/", ListWebhooks)
            .WithName(nameof(ListWebhooks))
            .WithSummary("The clinic's webhooks, without their secrets")
            .Audited("webhook.list");

        group.MapGet("/{webhookId:guid}", GetWebhook)
            .WithName(nameof(GetWebhook))
            .WithSummary("One webhook, without its secret")
            .Audited("webhook.read");

        group.MapDelete("/{webhookId:guid}", DeleteWebhook)
            .WithName(nameof(DeleteWebhook))
            .WithSummary("Delete a webhook; deliveries to it stop")
            .Audited("webhook.delete");

        group.MapGet("/{webhookId:guid}/deliveries", ListDeliveries)
            .WithName(nameof(ListDeliveries))
            .WithSummary("The webhook's delivery log, newest first, a page at a time")
            .Audited("webhook.deliveries")
            .Validated<DeliveryListQuery>();

        group.MapPost("/{webhookId:guid}/ping", PingWebhook)
            .WithName(nameof(PingWebhook))
            .WithSummary("Send a webhook.ping event to this webhook only, to test the receiver")
            .Audited("webhook.ping");

        group.MapPost("/{webhookId:guid}/rotate-secret", WebhookSecretRotation.RotateWebhookSecret)
            .WithName(nameof(WebhookSecretRotation.RotateWebhookSecret))
            .WithSummary("Replace the signing secret; the new one is shown in this response only, and deliveries carry both signatures until the overlap ends")
            .Audited("webhook.secret.rotate");

        return group;
    }

    public static async Task<Results<Created<CreatedWebhookResponse>, ProblemHttpResult, ValidationProblem>> CreateWebhook(
        CreateWebhookRequest request, HttpContext http, AllianceDbContext db, TimeProvider clock, WebhookTargetPolicy targets,
        WebhookSecrets secrets)
    {
        if (ClinicOf(http) is not { } clinicId)
        {
            return ClinicKeyRequired();
        }

        if (await targets.CheckAsync(new Uri(request.Url), http.RequestAborted) is { } broken)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["url"] = [broken] }, detail: $"url: {broken}");
        }

        var secret = WebhookSigner.NewSecret();
        var subscription = new WebhookSubscription
        {
            ClinicId = clinicId,
            Url = request.Url,
            Events = request.Events.Order(StringComparer.Ordinal).ToArray(),
            ProtectedSecret = secrets.Protect(secret),
            CreatedAt = clock.GetUtcNow(),
        };
        db.WebhookSubscriptions.Add(subscription);
        return TypedResults.Created(
            $"/api/v1/webhooks/{subscription.Id}",
            new CreatedWebhookResponse(subscription.Id, subscription.Url, subscription.Events, secret, subscription.CreatedAt));
    }

    public static async Task<Results<Ok<List<WebhookResponse>>, ProblemHttpResult>> ListWebhooks(HttpContext http, AllianceDbContext db)
    {
        if (ClinicOf(http) is not { } clinicId)
        {
            return ClinicKeyRequired();
        }

        var webhooks = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.ClinicId == clinicId)
            .OrderBy(s => s.CreatedAt)
            .Select(s => new WebhookResponse(s.Id, s.Url, s.Events, s.CreatedAt))
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(webhooks);
    }

    public static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> GetWebhook(Guid webhookId, HttpContext http, AllianceDbContext db)
    {
        if (ClinicOf(http) is not { } clinicId)
        {
            return ClinicKeyRequired();
        }

        var webhook = await db.WebhookSubscriptions.AsNoTracking()
            .Where(s => s.Id == webhookId && s.ClinicId == clinicId)
            .Select(s => new WebhookResponse(s.Id, s.Url, s.Events, s.CreatedAt))
            .SingleOrDefaultAsync(http.RequestAborted);
        return webhook is null ? NotFoundProblems.Webhook(webhookId) : TypedResults.Ok(webhook);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteWebhook(Guid webhookId, HttpContext http, AllianceDbContext db)
    {
        if (ClinicOf(http) is not { } clinicId)
        {
            return ClinicKeyRequired();
        }

        // Its pending deliveries, pings and log go with it (cascade), together with the stored secret.
        var deleted = await db.WebhookSubscriptions
            .Where(s => s.Id == webhookId && s.ClinicId == clinicId)
            .ExecuteDeleteAsync(http.RequestAborted);
        return deleted == 0 ? NotFoundProblems.Webhook(webhookId) : TypedResults.NoContent();
    }

    public static async Task<Results<Ok<PagedList<DeliveryResponse>>, ProblemHttpResult>> ListDeliveries(
        Guid webhookId, [AsParameters] DeliveryListQuery query, HttpContext http, AllianceDbContext db)
    {
        if (ClinicOf(http) is not { } clinicId)
        {
            return ClinicKeyRequired();
        }

        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == webhookId && s.ClinicId == clinicId, http.RequestAborted))
        {
            return NotFoundProblems.Webhook(webhookId);
        }

        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == webhookId);
        var total = await deliveries.CountAsync(http.RequestAborted);
        var items = await deliveries
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip((query.PageOrDefault - 1) * query.PageSizeOrDefault)
            .Take(query.PageSizeOrDefault)
            .Select(d => new DeliveryResponse(
                d.Id, d.EventId, d.Event!.Type, d.Status, d.Attempts, d.LastStatusCode, d.LastError,
                d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.CompletedAt))
            .ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new PagedList<DeliveryResponse>(items, query.PageOrDefault, query.PageSizeOrDefault, total));
    }

    public static async Task<Results<Accepted<PingResponse>, ProblemHttpResult>> PingWebhook(
        Guid webhookId, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        if (ClinicOf(http) is not { } clinicId)
        {
            return ClinicKeyRequired();
        }

        var subscription = await db.WebhookSubscriptions.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == webhookId && s.ClinicId == clinicId, http.RequestAborted);
        if (subscription is null)
        {
            return NotFoundProblems.Webhook(webhookId);
        }

        var ping = WebhookOutbox.EnqueueFor(db, subscription, WebhookEvents.Ping, new { webhookId }, clock.GetUtcNow());
        return TypedResults.Accepted($"/api/v1/webhooks/{webhookId}/deliveries", new PingResponse(ping.Id));
    }

    internal static Guid? ClinicOf(HttpContext http) => Caller.From(http.User).ClinicId;

    // A webhook belongs to one clinic and the routes name none, so a global key could only guess which.
    internal static ProblemHttpResult ClinicKeyRequired() => TypedResults.Problem(
        "Webhooks belong to a clinic: use an admin key of that clinic, not a global admin key.",
        statusCode: StatusCodes.Status403Forbidden,
        title: "Forbidden");
}
