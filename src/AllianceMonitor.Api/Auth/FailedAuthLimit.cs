using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Auth;

/// <summary>How many failed bearer authentications one client address may have per window (<c>Auth:FailedLimit</c>).</summary>
public sealed class FailedAuthLimitOptions
{
    public const string Section = "Auth:FailedLimit";

    public int PermitLimit { get; set; } = 20;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Makes guessing API keys visible and slow. Keys carry 256 random bits, so guessing cannot succeed; what this stops
/// is the load and the silence: every failure is counted in a metric, an address that passes the limit is refused
/// with 429 and Retry-After until its window ends, and that is written once to the log and the audit log (one
/// aggregated entry per address and window, not one per attempt). Partitioned by the connection's remote address,
/// so behind a proxy ForwardedHeaders must be configured.
/// </summary>
public sealed partial class FailedAuthLimit(IOptions<FailedAuthLimitOptions> options, TimeProvider clock, ILogger<FailedAuthLimit> logger)
{
    public const string MeterName = "AllianceMonitor.Security";
    public const string AuditAction = "auth.failed_limit";

    private static readonly Meter Meter = new(MeterName);
    internal static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        "alliancemonitor.auth.failures", description: "Bearer authentications that failed (unknown, revoked or malformed key)");
    internal static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "alliancemonitor.auth.refused", description: "Requests refused with 429 because their address passed the failed-authentication limit");

    private readonly ConcurrentDictionary<string, Window> _windows = new();

    /// <returns>Seconds until the address may try again, or null when it is not over the limit.</returns>
    internal int? RetryAfter(string address)
    {
        if (!_windows.TryGetValue(address, out var window))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        lock (window)
        {
            var ends = window.Start + options.Value.Window;
            if (now >= ends || window.Failures < options.Value.PermitLimit)
            {
                return null;
            }

            return (int)Math.Max(1, Math.Ceiling((ends - now).TotalSeconds));
        }
    }

    /// <returns>True for the failure that reaches the limit: the moment to log and audit, once per window.</returns>
    internal bool CountFailure(string address)
    {
        var now = clock.GetUtcNow();
        var window = _windows.GetOrAdd(address, _ => new Window { Start = now });
        lock (window)
        {
            if (now >= window.Start + options.Value.Window)
            {
                window.Start = now;
                window.Failures = 0;
            }

            window.Failures++;
            return window.Failures == options.Value.PermitLimit;
        }
    }

    internal async Task RecordLimitReachedAsync(HttpContext context, string address)
    {
        LogLimitReached(logger, address, options.Value.PermitLimit, options.Value.Window);
        var db = context.RequestServices.GetRequiredService<AllianceDbContext>();
        db.ChangeTracker.Clear();
        db.AuditLog.Add(new AuditEntry { Action = AuditAction, Outcome = StatusCodes.Status429TooManyRequests });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Client {Address} presented {Limit} invalid API keys within {Window}; further requests with a key are refused until the window ends")]
    private static partial void LogLimitReached(ILogger logger, string address, int limit, TimeSpan window);

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; }
        public int Failures { get; set; }
    }
}

public static class FailedAuthLimitRegistration
{
    public static IServiceCollection AddFailedAuthLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<FailedAuthLimitOptions>().Bind(configuration.GetSection(FailedAuthLimitOptions.Section))
            .Validate(o => o.PermitLimit > 0 && o.Window > TimeSpan.Zero, "Auth:FailedLimit: PermitLimit and Window must be positive.")
            .ValidateOnStart();
        return services.AddSingleton<FailedAuthLimit>();
    }

    /// <summary>Before authentication, so a refused address costs no key lookup.</summary>
    public static IApplicationBuilder UseFailedAuthLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.RequestServices.GetRequiredService<FailedAuthLimit>();
        var presentsKey = context.Request.Headers.Authorization.Count > 0;
        var address = ClientAddress.Of(context);
        if (presentsKey && limit.RetryAfter(address) is { } wait)
        {
            FailedAuthLimit.Refusals.Add(1);
            context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await Problems.Write(context, StatusCodes.Status429TooManyRequests, "Too many failed authentications",
                $"Too many requests from this address presented an invalid API key. Retry after {wait} seconds.");
            return;
        }

        await next(context);
        if (presentsKey && context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            FailedAuthLimit.Failures.Add(1);
            if (limit.CountFailure(address))
            {
                await limit.RecordLimitReachedAsync(context, address);
            }
        }
    });
}
