using System.Threading.RateLimiting;
using AllianceMonitor.Api.Infrastructure;

namespace AllianceMonitor.Api.Forms;

/// <summary>How many form posts one address and one link may make per window (<c>Forms:SubmitLimit</c>).</summary>
public sealed class FormSubmitLimitOptions
{
    public const string Section = "Forms:SubmitLimit";

    public int PerAddress { get; set; } = 60;
    public int PerToken { get; set; } = 20;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Limits form posts (steps and submissions) per client address and per link. A link is single-use, so this is
/// not what stops a replay; it stops a script from hammering the write path or trying tokens in bulk. Both limits
/// are per process, like the sign-in limit, and behind a proxy the address is the proxy's unless ForwardedHeaders
/// is configured.
/// </summary>
public sealed class FormSubmitLimit : IDisposable
{
    private readonly PartitionedRateLimiter<string> byAddress;
    private readonly PartitionedRateLimiter<string> byToken;

    public FormSubmitLimit(FormSubmitLimitOptions options)
    {
        byAddress = Limiter(options.PerAddress, options.Window);
        byToken = Limiter(options.PerToken, options.Window);
    }

    /// <returns>Null when the post may go ahead, else how long to wait.</returns>
    public TimeSpan? TryAcquire(HttpContext http, string linkKey)
    {
        using var address = byAddress.AttemptAcquire(ClientAddress.Of(http));
        if (!address.IsAcquired)
        {
            return RetryAfter(address);
        }

        using var link = byToken.AttemptAcquire(linkKey);
        return link.IsAcquired ? null : RetryAfter(link);
    }

    public void Dispose()
    {
        byAddress.Dispose();
        byToken.Dispose();
    }

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);

    private static PartitionedRateLimiter<string> Limiter(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        }));
}
