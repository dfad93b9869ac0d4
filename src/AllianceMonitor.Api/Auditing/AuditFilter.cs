using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;

namespace AllianceMonitor.Api.Auditing;

/// <summary>What an endpoint is recorded as in the audit log, declared with <c>Audited("...")</c>.</summary>
public sealed record AuditAction(string Name);

/// <summary>
/// The first step of the group's <see cref="RequestPipeline"/>: it sees every attempt that passed authorization,
/// validation failures included. The entry itself is written by <see cref="AuditTrail"/>, inside the unit of work
/// when the request commits.
/// </summary>
public sealed class AuditFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditAction>() is not { } action)
        {
            return await next(context);
        }

        var trail = http.RequestServices.GetRequiredService<AuditTrail>();
        var patientRef = http.Request.RouteValues.TryGetValue("patientId", out var value) ? value as string : null;
        if (patientRef is not null && !Identifiers.IsValid(patientRef))
        {
            // Not an identifier the service could hold, so not one to store in the audit log either: the attempt is
            // recorded without it.
            trail.Begin(action.Name, Caller.From(http.User), null);
            await trail.RecordUnlessCommittedAsync(StatusCodes.Status400BadRequest);
            return PatientRoute.Invalid();
        }

        trail.Begin(action.Name, Caller.From(http.User), patientRef);

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await trail.RecordFailureAsync();
            throw;
        }

        await trail.RecordUnlessCommittedAsync(HttpOutcome.StatusOf(result));
        return result;
    }
}

/// <summary>Marks an endpoint whose group audits.</summary>
public sealed record AuditStep;

public static class AuditFilterExtensions
{
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action)
    {
        builder.WithMetadata(new AuditAction(action));
        builder.Finally(endpoint => RequestPipeline.Require<AuditStep>(endpoint, $"Audited(\"{action}\")", nameof(WithAudit)));
        return builder;
    }

    /// <summary>Adds the audit step to the group's request pipeline; add it first (see <see cref="RequestPipeline"/>).</summary>
    public static RouteGroupBuilder WithAudit(this RouteGroupBuilder group) =>
        RequestPipeline.AddStep(group, new AuditStep(), new AuditFilter());

    public static IServiceCollection AddAuditTrail(this IServiceCollection services) => services
        .AddScoped<AuditTrail>()
        .AddScoped<IUnitOfWorkParticipant>(s => s.GetRequiredService<AuditTrail>());
}
