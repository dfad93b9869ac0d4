using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// Input no endpoint can use, answered with 400 or 415 problem+json before it reaches one: control characters in
/// the path or query (PostgreSQL refuses NUL in text, and a newline in a redirect target splits it), NUL in any JSON
/// string, and a request body declared in a character set other than UTF-8.
/// </summary>
public static class RequestGuards
{
    public const string ControlCharacterRule = "must not contain control characters";
    public const string NulRule = "must not contain a NUL character";
    public const string OpenApiDocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddRequestGuards(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new NulFreeStringConverter()));

    public static IApplicationBuilder UseRequestGuards(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // The OpenAPI middleware answers an unknown document name with a bare text/plain 404; the service has one
        // document, so every other name gets the same 404 in problem+json.
        if (context.Request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal)
            && !context.Request.Path.Equals(OpenApiDocumentPath, StringComparison.Ordinal))
        {
            await Problems.Write(context, StatusCodes.Status404NotFound, "Not found", $"The OpenAPI document is at {OpenApiDocumentPath}.");
            return;
        }

        if (Check(context.Request) is { } problem)
        {
            await Problems.WriteValidation(context, problem.Status, problem.Field, problem.Rule);
            return;
        }

        await next(context);
    });

    private static (int Status, string Field, string Rule)? Check(HttpRequest request)
    {
        if (HasControlCharacter(request.Path.Value))
        {
            return (StatusCodes.Status400BadRequest, "path", ControlCharacterRule);
        }

        foreach (var (key, values) in request.Query)
        {
            if (HasControlCharacter(key) || values.Any(HasControlCharacter))
            {
                return (StatusCodes.Status400BadRequest, HasControlCharacter(key) ? "query" : key, ControlCharacterRule);
            }
        }

        var contentType = request.Headers.ContentType.ToString();
        if (contentType.Length > 0)
        {
            if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
            {
                return (StatusCodes.Status415UnsupportedMediaType, "Content-Type", "must be a valid media type such as application/json");
            }

            var charset = parsed.Parameters.FirstOrDefault(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase));
            if (charset is not null && !IsUtf8(charset.Value.Value))
            {
                return (StatusCodes.Status415UnsupportedMediaType, "Content-Type", "charset must be utf-8 when given");
            }
        }

        return null;
    }

    private static bool IsUtf8(string? charset) =>
        charset?.Trim('"') is { } name && (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    private static bool HasControlCharacter(string? value) => value is not null && value.AsSpan().ContainsAnyInRange('\0', '\u001f') || value?.Contains('\u007f') == true;

    /// <summary>PostgreSQL cannot store U+0000 in text; a JSON string carrying one is refused at reading, naming its field.</summary>
    private sealed class NulFreeStringConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            return value is not null && value.Contains('\0') ? throw new JsonException(NulRule + ".") : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
