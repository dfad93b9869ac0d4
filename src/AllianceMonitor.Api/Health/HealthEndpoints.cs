using AllianceMonitor.Api.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AllianceMonitor.Api.Health;

public static class HealthEndpoints
{
    public static IHealthChecksBuilder AddDatabaseHealthCheck(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);

    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new() { Predicate = _ => false }).WithTags("Health");
        routes.MapHealthChecks("/health/ready", new() { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthJson.WriteAsync }).WithTags("Health");
    }
}

internal sealed class DatabaseHealthCheck(AllianceDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy("The database answers.")
            : HealthCheckResult.Unhealthy("The database is not reachable.");
}
