using System.Net.Http.Headers;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Contract;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// The service over HTTP on a database of its own. One per test class. A test that needs other settings derives
/// from it and overrides <see cref="ConfigureTestHost"/>.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789abcdef";

    public string ConnectionString { get; protected set; } = "";

    /// <summary>What the host logged at Error and above; quoted when a test client gets a 5xx.</summary>
    public ServerErrorLog ServerErrors { get; } = new();

    /// <summary>A second host on an existing database, as a second instance (or the restarted one) would be.</summary>
    public static ApiFactory OnDatabase(string connectionString) => new() { ConnectionString = connectionString };

    public async Task InitializeAsync() => ConnectionString = await TestDatabaseServer.CreateDatabaseAsync();

    /// <summary>
    /// Also closes this database's idle pooled connections: Npgsql keeps them for minutes after the host is gone, and a
    /// run's worth of test classes would otherwise hold the server's 100 connections.
    /// </summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (ConnectionString.Length > 0)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }

    protected sealed override void ConfigureWebHost(IWebHostBuilder builder)
    {
        Configure(builder, ConnectionString);
        builder.ConfigureLogging(logging => logging.AddProvider(ServerErrors));
        ConfigureTestHost(builder);
    }

    protected virtual void ConfigureTestHost(IWebHostBuilder builder)
    {
    }

    /// <summary>The settings every test host runs with, on the database named by <paramref name="connectionString"/>.</summary>
    public static void Configure(IWebHostBuilder builder, string connectionString)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting($"ConnectionStrings:{DatabaseSetup.ConnectionName}", connectionString);
        builder.UseSetting("Bootstrap:AdminKey", AdminKey);

        // Tests drive refits themselves (AutomaticRefit.RefitDueClinicsAsync); a timer would race them.
        builder.UseSetting("Calibration:CheckInterval", "12:00:00");

        // Webhook retries in fractions of a second, so delivery tests finish quickly; the logic is the same.
        builder.UseSetting("Webhooks:PollInterval", "00:00:00.200");
        builder.UseSetting("Webhooks:RetryBaseDelay", "00:00:00.200");
        builder.UseSetting("Webhooks:RetryMaxDelay", "00:00:02");
        builder.UseSetting("Webhooks:Timeout", "00:00:05");

        // Every test client shares one address, and the dashboard tests sign in many times a minute; the sign-in
        // limit's own tests set a small one.
        builder.UseSetting("Dashboard:SignInLimit:PermitLimit", "100000");
        builder.UseSetting("Auth:FailedLimit:PermitLimit", "100000");
        builder.UseSetting("Forms:SubmitLimit:PerAddress", "100000");
    }

    /// <summary>
    /// A client whose every response is checked: never a 5xx, every error is problem+json, and every API response is
    /// one the OpenAPI document declares, with a body that matches its schema.
    /// </summary>
    public HttpClient Client(string? key = null)
    {
        var client = CreateDefaultClient(new ProblemJsonContract(ServerErrors), new OpenApiContract(ContractDocumentAsync));
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public HttpClient Admin() => Client(AdminKey);

    /// <summary>The document this service serves, read once per run (every test host serves the same one).</summary>
    public Task<OpenApiContractDocument> ContractDocumentAsync() =>
        OpenApiContractDocument.LoadAsync(() => CreateDefaultClient().GetStringAsync("/openapi/v1.json"));

    public AllianceDbContext NewDbContext() => TestDatabaseServer.Context(ConnectionString);
}
