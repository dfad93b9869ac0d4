using System.Text;
using AllianceMonitor.Api.Tests.GeneratedClient;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace AllianceMonitor.Api.Tests.Imports;

/// <summary>The documented body is usable as generated: a typed client sends the file as a stream of NDJSON.</summary>
public sealed class ImportGeneratedClientTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_generated_client_imports_a_file()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var file = ImportKit.File([new SessionPut("p-1", 1, Ratings.Session(54)), new SessionPut("p-1", 2, Ratings.Session(30))]);
        var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticKey(tenant.Ingest)), httpClient: factory.Client())
        {
            BaseUrl = "http://localhost",
        };

        await using var body = new MemoryStream(Encoding.UTF8.GetBytes(file + "{}\n"));
        var summary = await new AllianceMonitorClient(adapter).Api.V1.Imports.Sessions.PostAsync(body);

        Assert.Equal((3, 2, 1), (summary!.Lines, summary.Created, summary.Rejected));
        Assert.Equal(3, Assert.Single(summary.RejectedLines!).Line);
    }

    private sealed class StaticKey(string key) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new(["localhost"]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(key);
    }
}
