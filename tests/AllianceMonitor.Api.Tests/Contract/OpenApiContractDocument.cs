using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>The served OpenAPI document, read once per run, as the contract handler needs it: operations by method and path.</summary>
public sealed class OpenApiContractDocument
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static OpenApiContractDocument? loaded;

    private readonly List<(string Method, Regex Path, int Literals, ContractOperation Operation)> operations = [];

    private OpenApiContractDocument(JsonObject root)
    {
        // OpenAPI 3.1 schemas are JSON Schema 2020-12; only their references point into the document's components.
        var definitions = Rewrite(root["components"]?["schemas"] ?? new JsonObject());
        foreach (var (template, item) in root["paths"]!.AsObject())
        {
            var pattern = new Regex("^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "/?$", RegexOptions.CultureInvariant);
            var literals = template.Split('/').Count(s => s.Length > 0 && !s.StartsWith('{'));
            foreach (var (method, operation) in item!.AsObject())
            {
                var responses = new Dictionary<string, ContractResponse>(StringComparer.Ordinal);
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    var content = new Dictionary<string, ContractSchema?>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (mediaType, media) in response!["content"]?.AsObject() ?? [])
                    {
                        content[mediaType] = media?["schema"] is { } schema ? new ContractSchema(Rewrite(schema), definitions) : null;
                    }

                    responses[status] = new ContractResponse(content);
                }

                var name = operation["operationId"]?.GetValue<string>() ?? $"{method.ToUpperInvariant()} {template}";
                operations.Add((method.ToUpperInvariant(), pattern, literals, new ContractOperation(name, responses)));
            }
        }
    }

    public static async Task<OpenApiContractDocument> LoadAsync(Func<Task<string>> fetch)
    {
        if (Volatile.Read(ref loaded) is { } ready)
        {
            return ready;
        }

        await Gate.WaitAsync();
        try
        {
            loaded ??= new OpenApiContractDocument(JsonNode.Parse(await fetch())!.AsObject());
            return loaded;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The operation for a request; a literal segment wins over a template one (<c>clinics/current</c> over <c>clinics/{id}</c>).</summary>
    public ContractOperation? Find(HttpMethod method, string path) => operations
        .Where(o => o.Method == method.Method && o.Path.IsMatch(path))
        .OrderByDescending(o => o.Literals)
        .Select(o => o.Operation)
        .FirstOrDefault();

    private static JsonNode Rewrite(JsonNode schema) =>
        JsonNode.Parse(schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!;
}

public sealed record ContractOperation(string Name, IReadOnlyDictionary<string, ContractResponse> Responses);

public sealed record ContractResponse(IReadOnlyDictionary<string, ContractSchema?> Content);

/// <summary>One response schema, built on first use with every component schema beside it.</summary>
public sealed class ContractSchema(JsonNode schema, JsonNode definitions)
{
    private static int built;
    private static readonly ConcurrentDictionary<ContractSchema, JsonSchema> Cache = new();

    /// <returns>Null when <paramref name="json"/> is valid; else each failing location and why.</returns>
    public string? Validate(string json)
    {
        var compiled = Cache.GetOrAdd(this, static s => s.Build());
        using var document = JsonDocument.Parse(json);
        var results = compiled.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return null;
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"  {d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Distinct()
            .Take(12);
        return string.Join(Environment.NewLine, errors);
    }

    private JsonSchema Build()
    {
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://contract.alliancemonitor.test/response/{Interlocked.Increment(ref built)}",
            ["$defs"] = definitions.DeepClone(),
            ["allOf"] = new JsonArray(schema.DeepClone()),
        };
        return JsonSchema.FromText(root.ToJsonString());
    }
}
