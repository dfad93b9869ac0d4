using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Security.Fuzz;

/// <summary>One endpoint as the fuzzer sees it: how to build a valid request to it, which it then mutates.</summary>
public sealed record FuzzTarget(string Method, string Pattern, IReadOnlyList<string> RouteParameters, IReadOnlyList<string> QueryParameters, JsonNode? Body, bool IsForm)
{
    public bool IsDashboard => !Pattern.StartsWith("/api/", StringComparison.Ordinal) && !Pattern.StartsWith("/health", StringComparison.Ordinal)
        && !Pattern.StartsWith("/openapi", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Pattern}";
}

/// <summary>
/// Every endpoint the running service maps, read from its <see cref="EndpointDataSource"/>, so an endpoint added later
/// is fuzzed without anyone listing it here. Query parameters and the body type come from the handler's signature.
/// </summary>
public static class FuzzTargets
{
    private static readonly Type[] Simple =
        [typeof(string), typeof(int), typeof(long), typeof(double), typeof(bool), typeof(Guid), typeof(DateTimeOffset), typeof(DateOnly), typeof(DateTime)];

    public static List<FuzzTarget> From(IServiceProvider services)
    {
        var targets = new List<FuzzTarget>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var routeParameters = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToList();
            var handler = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
            var query = handler is null ? [] : QueryParameters(handler, routeParameters);
            var bodyType = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            foreach (var method in methods)
            {
                var isForm = method == "POST" && bodyType is null && !pattern.StartsWith("/api/", StringComparison.Ordinal);
                targets.Add(new FuzzTarget(method, pattern, routeParameters, query, bodyType is null ? null : SampleBody(bodyType), isForm));
            }
        }

        return targets;
    }

    private static List<string> QueryParameters(MethodInfo handler, List<string> route)
    {
        var names = new List<string>();
        foreach (var parameter in handler.GetParameters())
        {
            if (parameter.GetCustomAttributes().Any(a => a.GetType().Name == "AsParametersAttribute"))
            {
                var type = parameter.ParameterType;
                foreach (var inner in type.GetConstructors().Single().GetParameters())
                {
                    var property = type.GetProperty(inner.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                    var fromBody = property?.GetCustomAttributes().Any(a => a.GetType().Name == "FromBodyAttribute") == true;
                    if (!fromBody && IsSimple(inner.ParameterType) && !route.Contains(inner.Name!, StringComparer.OrdinalIgnoreCase))
                    {
                        names.Add(Camel(inner.Name!));
                    }
                }
            }
            else if (IsSimple(parameter.ParameterType) && !route.Contains(parameter.Name!, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(parameter.Name!);
            }
        }

        // Parameters the dashboard reads itself, plus names no endpoint knows.
        names.AddRange(["page", "pageSize", "returnUrl", "unknown"]);
        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool IsSimple(Type type) => Simple.Contains(Nullable.GetUnderlyingType(type) ?? type) || (Nullable.GetUnderlyingType(type) ?? type).IsEnum;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>A valid body: hand-written where validation needs real content, otherwise generated from the type.</summary>
    public static JsonNode SampleBody(Type type) => type.Name switch
    {
        "PutSessionRequest" or "SessionBody" => JsonSerializer.SerializeToNode(Ratings.Session(50, 8))!,
        "CreateWebhookRequest" => JsonNode.Parse("""{"url":"https://receiver.example.org/hook","events":["alert.created"]}""")!,
        "CreateApiKeyRequest" => JsonNode.Parse("""{"name":"fuzz","roles":["clinician"]}""")!,
        "DetectorSettings" => JsonNode.Parse("""{"refitEvery":50}""")!,
        "AlertActionBody" => JsonNode.Parse("""{"note":null}""")!,
        _ => Generate(type, depth: 0),
    };

    private static JsonNode Generate(Type type, int depth)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return JsonValue.Create("x-1");
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(double))
        {
            return JsonValue.Create(1);
        }

        if (type == typeof(bool))
        {
            return JsonValue.Create(true);
        }

        if (type == typeof(Guid))
        {
            return JsonValue.Create(Guid.NewGuid());
        }

        if (type == typeof(DateOnly))
        {
            return JsonValue.Create("2026-11-02");
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return JsonValue.Create("2026-11-02T09:00:00Z");
        }

        if (type.IsArray || (type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type)))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            return new JsonArray(Generate(element, depth + 1));
        }

        var body = new JsonObject();
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        if (constructor is not null && depth < 4)
        {
            foreach (var parameter in constructor.GetParameters())
            {
                body[Camel(parameter.Name!)] = Generate(parameter.ParameterType, depth + 1);
            }
        }

        return body;
    }
}
