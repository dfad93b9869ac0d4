namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// Runs the handler in the request's <see cref="UnitOfWork"/>: commits when it answers below 400, rolls back otherwise.
/// The last step of the group's <see cref="RequestPipeline"/>, so a request rejected before it opens no transaction.
/// The request's unit is its context's last use: the audit step after it only records attempts that did not commit
/// (and clears the tracker first), and the result was built inside the unit.
/// </summary>
public sealed class UnitOfWorkFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var unit = http.RequestServices.GetRequiredService<UnitOfWork>();
        return await unit.ExecuteAsync(async () => await next(context), HttpOutcome.StatusOf, http.RequestAborted, lastUse: true);
    }
}

public static class UnitOfWorkExtensions
{
    /// <summary>Every endpoint of the group runs in one unit of work; add it last (see <see cref="RequestPipeline"/>).</summary>
    public static RouteGroupBuilder WithUnitOfWork(this RouteGroupBuilder group) =>
        RequestPipeline.AddStep(group, new UnitOfWorkStep(), new UnitOfWorkFilter());
}

/// <summary>Marks an endpoint whose group runs it in a unit of work.</summary>
public sealed record UnitOfWorkStep;

/// <summary>The HTTP status an endpoint's result stands for, looking through <c>Results&lt;...&gt;</c> unions.</summary>
public static class HttpOutcome
{
    public static int StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult { StatusCode: { } code } => code,
        _ => StatusCodes.Status200OK,
    };
}
