using System.Text.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>
/// docs/openapi/v1.json is the document integrators and the Kiota client in tests/.../GeneratedClient are generated
/// from; it must be the one the service serves. After an API change: UPDATE_OPENAPI_SNAPSHOT=1 on this test rewrites
/// it, then tests/AllianceMonitor.Api.Tests/GeneratedClient/generate.sh regenerates the client.
/// </summary>
public sealed class OpenApiSnapshotTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    public const string LocalServer = "http://localhost:5080";

    public static string SnapshotPath => Path.Combine(Repository.Root(), "docs", "openapi", "v1.json");

    [Fact]
    public async Task The_committed_document_is_the_one_the_service_serves()
    {
        var served = JsonNode.Parse(await factory.Client().GetStringAsync("/openapi/v1.json"))!.AsObject();

        // The served server URL is wherever the request came in; the committed copy names the README's local address.
        served["servers"] = new JsonArray(new JsonObject { ["url"] = LocalServer });
        var text = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI_SNAPSHOT") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SnapshotPath)!);
            await File.WriteAllTextAsync(SnapshotPath, text);
        }

        var committed = File.Exists(SnapshotPath) ? await File.ReadAllTextAsync(SnapshotPath) : "(missing)";
        Assert.True(committed == text, $"{SnapshotPath} differs from the served document: run this test with UPDATE_OPENAPI_SNAPSHOT=1, then GeneratedClient/generate.sh");
    }
}
