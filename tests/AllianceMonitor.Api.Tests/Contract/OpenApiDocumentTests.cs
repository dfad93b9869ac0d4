using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>The served document says what the server accepts and answers, as a generated client reads it.</summary>
public sealed class OpenApiDocumentTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string[] EveryApiProblem = ["400", "503"];
    private static readonly string[] KeyProblems = ["401", "403", "429"];

    [Fact]
    public async Task Front_matter_has_a_licence_tag_descriptions_and_servers_without_a_trailing_slash()
    {
        var root = await DocumentAsync();

        Assert.False(string.IsNullOrWhiteSpace(root["info"]!["license"]!["name"]!.GetValue<string>()));
        var tags = root["tags"]!.AsArray();
        Assert.NotEmpty(tags);
        Assert.All(tags, t => Assert.False(string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>()), $"tag {t!["name"]} has no description"));
        Assert.All(root["servers"]!.AsArray(), s => Assert.DoesNotMatch("/$", s!["url"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Request_schemas_require_exactly_what_the_validators_require()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        Assert.Equal(["measurements"], Required(schemas["SessionBody"]!));
        Assert.Equal("array", schemas["SessionBody"]!["properties"]!["measurements"]!["type"]!.GetValue<string>());
        Assert.Empty(Required(schemas["PatientBody"]!));
        Assert.Empty(Required(schemas["AlertActionBody"]!));
        Assert.Equal(["instrument"], Required(schemas["MeasurementInput"]!));
        foreach (var optional in new[] { "occurredOn", "modality", "therapistId" })
        {
            Assert.Contains("null", Types(schemas["SessionBody"]!["properties"]![optional]!));
        }
    }

    [Fact]
    public async Task Every_api_operation_declares_its_problem_answers_as_problem_json()
    {
        var root = await DocumentAsync();
        foreach (var (path, item) in root["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = operation!["responses"]!.AsObject();
                var expected = EveryApiProblem.AsEnumerable();
                if (operation["security"] is not null)
                {
                    expected = expected.Concat(KeyProblems);
                }

                if (path.Contains('{', StringComparison.Ordinal))
                {
                    expected = expected.Append("404");
                }

                if (operation["requestBody"] is not null)
                {
                    expected = expected.Concat(["413", "415"]);
                }

                foreach (var status in expected)
                {
                    Assert.True(responses[status]?["content"]?["application/problem+json"] is not null, $"{method} {path} does not declare {status} problem+json");
                }

                foreach (var (status, response) in responses)
                {
                    Assert.True(status.StartsWith('2') || response!["content"]?["application/problem+json"] is not null, $"{method} {path}: {status} is not problem+json");
                }
            }
        }
    }

    [Fact]
    public async Task Export_and_summary_declare_their_bodies()
    {
        var paths = (await DocumentAsync())["paths"]!;

        var export = paths["/api/v1/export/sessions"]!["get"]!["responses"]!["200"]!["content"]!.AsObject();
        Assert.Equal(["application/x-ndjson", "text/csv"], export.Select(c => c.Key).Order(StringComparer.Ordinal));
        var summary = paths["/api/v1/analysis/summary"]!["get"]!["responses"]!;
        Assert.EndsWith("/AnalysisReport", summary["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(summary["422"]!["content"]!["application/problem+json"]);
        Assert.NotNull(paths["/api/v1/alerts/{alertId}/acknowledge"]!["post"]!["responses"]!["409"]!["content"]!["application/problem+json"]);
    }

    [Fact]
    public async Task Strings_are_typed_so_generated_clients_do_not_read_them_as_any()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;

        Assert.Equal(["string"], Types(schemas["ClinicResponse"]!["properties"]!["name"]!));
        Assert.Equal("string", schemas["CreateApiKeyRequest"]!["properties"]!["roles"]!["items"]!["type"]!.GetValue<string>());
        Assert.Equal(["null", "string"], Types(schemas["SessionResponse"]!["properties"]!["modality"]!).Order(StringComparer.Ordinal));
    }

    private async Task<JsonObject> DocumentAsync() => JsonNode.Parse(await factory.Client().GetStringAsync("/openapi/v1.json"))!.AsObject();

    private static string[] Required(JsonNode schema) =>
        schema["required"]?.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray() ?? [];

    private static string[] Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => many.Select(n => n!.GetValue<string>()).ToArray(),
        JsonNode one => [one.GetValue<string>()],
        null => [],
    };
}
