using Microsoft.AspNetCore.Hosting;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// A host that retries a failed webhook delivery only after an hour, for tests that set a delivery's row themselves.
/// With the suite's retries every 0.2 s the dispatcher keeps claiming and rewriting a failing delivery, and a test's own
/// write races it: the dispatcher reads a claimed row's attempt count only after the claim commits, so even a raised
/// count can be read back and the attempt's outcome written over the test's (CI failed on this). Here, once the first
/// attempt is logged, nothing but the test touches the row for the next 45 minutes.
/// </summary>
public sealed class SlowRetryApiFactory : ApiFactory
{
    protected override void ConfigureTestHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Webhooks:RetryBaseDelay", "01:00:00");
        builder.UseSetting("Webhooks:RetryMaxDelay", "01:00:00");
    }
}
