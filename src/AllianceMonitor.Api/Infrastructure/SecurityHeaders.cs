using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// Response headers for data that must not be cached or sniffed: API answers and dashboard pages carry patient data,
/// so no browser or proxy cache may keep them, and no content is ever reinterpreted as another type. Kestrel's
/// <c>Server</c> header is dropped: it tells an attacker the stack and helps no client.
/// </summary>
public static class SecurityHeaders
{
    public static IServiceCollection AddSecurityHeaders(this IServiceCollection services) =>
        services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";

            // Static assets (scripts, styles) carry no data and keep the caching set where they are served.
            if (!headers.ContainsKey("Cache-Control") || context.GetEndpoint() is not null)
            {
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}
