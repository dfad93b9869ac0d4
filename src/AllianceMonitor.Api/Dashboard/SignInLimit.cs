using System.Globalization;
using System.Threading.RateLimiting;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>How many sign-in attempts one client address may make per window (<c>Dashboard:SignInLimit</c>).</summary>
public sealed class SignInLimitOptions
{
    public const string Section = "Dashboard:SignInLimit";

    public int PermitLimit { get; set; } = 10;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Slows down guessing keys through the sign-in form. Keys carry 256 random bits, so this is not what keeps them
/// secret; it keeps a scripted guesser from loading the database and filling the logs. Partitioned by the
/// connection's remote address: behind a reverse proxy every client shares the proxy's address unless the
/// ForwardedHeaders middleware is configured to trust that proxy's X-Forwarded-For.
/// </summary>
public static class SignInLimit
{
    public const string PolicyName = "dashboard-sign-in";

    public static IServiceCollection AddSignInLimit(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SignInLimitOptions>(configuration.GetSection(SignInLimitOptions.Section));
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.AddPolicy(PolicyName, http =>
            {
                var limit = http.RequestServices.GetRequiredService<IOptions<SignInLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                });
            });
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? retryAfter
            : http.RequestServices.GetRequiredService<IOptions<SignInLimitOptions>>().Value.Window;
        var seconds = (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        var minutes = seconds > 90 ? $"{Math.Ceiling(seconds / 60.0).ToString(CultureInfo.InvariantCulture)} minutes" : $"{seconds} seconds";
        var page = new MessageModel(
            "Too many sign-in attempts",
            $"There have been too many sign-in attempts from this network. Please wait {minutes} and try again.",
            IsAlert: true, "rate-limited", "/login", "Back to sign in");
        var frame = DashboardPage.Frame(http, "Too many attempts", DashboardSection.SignIn);
        await DashboardPage.Render<Pages.MessagePage, MessageModel>(http, frame, page, StatusCodes.Status429TooManyRequests).ExecuteAsync(http);
    }
}
