using Microsoft.AspNetCore.Hosting;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// A host whose webhooks may reach loopback, where the test receivers listen. Off in every other host, as it is by
/// default in production, so the tests of the refusal run against the default.
/// </summary>
public sealed class PrivateNetworkApiFactory : ApiFactory
{
    protected override void ConfigureTestHost(IWebHostBuilder builder) =>
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
}
