using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AllianceMonitor.Api.Health;

/// <summary>
/// The readiness answer as JSON naming every check and its state, so a load balancer's log or an operator sees which
/// dependency failed. Descriptions are ours; exception messages (which can carry host names) are left out.
/// </summary>
public static class HealthJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
