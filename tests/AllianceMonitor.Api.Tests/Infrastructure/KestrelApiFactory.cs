using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>The service on real Kestrel at 127.0.0.1 on a free port, for a browser to reach. One per test class.</summary>
public sealed class KestrelApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public KestrelApiFactory() => UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

    public string ConnectionString { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabaseServer.CreateDatabaseAsync();
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ApiFactory.Configure(builder, ConnectionString);

        // The form browser test's webhook receiver listens on loopback.
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
    }
}
