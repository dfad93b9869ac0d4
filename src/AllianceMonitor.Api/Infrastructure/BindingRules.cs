using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// Words for what a field expects, for the 400 a value gets when it cannot even be read. The serializer's own messages
/// name .NET types ("could not be converted to System.Double"), which mean nothing to an integrator; these name the
/// field and the format instead, found by walking the endpoint's body type along the JSON path of the failure.
/// </summary>
internal static partial class BindingRules
{
    /// <summary>The rule for a JSON body the serializer refused, and the field it is about.</summary>
    public static (string Field, string Rule) ForJson(HttpContext http, JsonException json)
    {
        var path = json.Path is { Length: > 0 } p ? p : "$";
        // The exception handler clears the request's endpoint before it runs; its feature keeps the one that failed.
        var endpoint = http.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http.GetEndpoint();
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        if (UnmappedMember().Match(json.Message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups["name"].Value;
            var field = path.EndsWith("." + name, StringComparison.Ordinal) ? path : $"{path}.{name}";
            var ownerPath = field[..^(name.Length + 1)];
            var known = Resolve(options, bodyType, ownerPath) is { } owner ? FieldsOf(options, owner) : [];
            var rule = known.Count > 0
                ? $"is not a field of this request; the fields here are {string.Join(", ", known)}"
                : "is not a field of this request";
            return (field, rule);
        }

        if (json.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            var target = Resolve(options, bodyType, path);
            return (path, target is null ? "has the wrong kind of value for this field" : $"must be {Describe(target)}");
        }

        // The reader's syntax errors come wrapped around the reader's own exception; any other JsonException is one of
        // our converters stating its rule in plain words (e.g. no NUL in a string). Neither names a type; the position
        // suffix is dropped, the path says where.
        var message = json.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ', '|');
        return json.InnerException is JsonException ? (path, $"is not valid JSON here ({message})") : (path, message);
    }

    /// <summary>A plain description of a value of <paramref name="type"/>, e.g. "a date as YYYY-MM-DD".</summary>
    public static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return "a string";
        }

        if (type == typeof(DateOnly))
        {
            return "a date as YYYY-MM-DD, e.g. 2026-11-22";
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "a date and time as ISO 8601, e.g. 2026-11-22T09:00:00Z";
        }

        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
        {
            return "an integer";
        }

        if (type == typeof(double) || type == typeof(decimal) || type == typeof(float))
        {
            return "a number";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(Guid))
        {
            return "a UUID, e.g. 3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        }

        if (type.IsEnum)
        {
            return "one of the documented names";
        }

        if (type != typeof(string) && ElementOf(type) is { } element)
        {
            return $"a list (a JSON array) whose every item is {Describe(element)}";
        }

        return "an object";
    }

    /// <summary>The same description for a type the framework names in a binding message ("Nullable&lt;DateOnly&gt;", "int").</summary>
    public static string Describe(string frameworkTypeName) => NullableOf().Replace(frameworkTypeName, "$1").TrimEnd('?') switch
    {
        "DateTimeOffset" or "DateTime" => Describe(typeof(DateTimeOffset)),
        "DateOnly" => Describe(typeof(DateOnly)),
        "int" or "long" or "Int32" or "Int64" => Describe(typeof(int)),
        "double" or "decimal" or "Double" or "Decimal" => Describe(typeof(double)),
        "Guid" => Describe(typeof(Guid)),
        "bool" or "Boolean" => Describe(typeof(bool)),
        _ => "a value of the documented format (see /openapi/v1.json)",
    };

    /// <summary>The type at a JSON path such as <c>$.measurements[0].items[1]</c>, walking from the body type; null when it cannot be told.</summary>
    private static Type? Resolve(JsonSerializerOptions options, Type? bodyType, string path)
    {
        var type = bodyType;
        foreach (Match segment in PathSegment().Matches(path))
        {
            if (type is null)
            {
                return null;
            }

            if (segment.Groups["index"].Success)
            {
                type = ElementOf(Nullable.GetUnderlyingType(type) ?? type);
                continue;
            }

            var name = segment.Groups["name"].Value;
            type = Info(options, type)?.Properties
                .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType;
        }

        return type;
    }

    private static List<string> FieldsOf(JsonSerializerOptions options, Type type) =>
        Info(options, type) is { Kind: JsonTypeInfoKind.Object } info ? [.. info.Properties.Select(p => p.Name)] : [];

    private static JsonTypeInfo? Info(JsonSerializerOptions options, Type type) =>
        options.TryGetTypeInfo(Nullable.GetUnderlyingType(type) ?? type, out var info) ? info : null;

    private static Type? ElementOf(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    [GeneratedRegex(@"^The JSON property '(?<name>[^']*)' could not be mapped", RegexOptions.CultureInvariant)]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"\.(?<name>[^.\[\]]+)|\[(?<index>\d+)\]|\['(?<name>[^']+)'\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegment();

    [GeneratedRegex("^Nullable<(.+)>$", RegexOptions.CultureInvariant)]
    private static partial Regex NullableOf();
}
