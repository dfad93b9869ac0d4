using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AllianceMonitor.Api.OpenApi;

/// <summary>
/// Makes each schema say what the serializer really reads and writes. The generator leaves strings untyped (<c>{}</c>),
/// which generated clients read as "any"; and our strict JSON options mark every object <c>additionalProperties: false</c>,
/// which is wrong for problem details, whose extensions (<c>errors</c>, <c>traceId</c>) are open by design.
/// </summary>
internal sealed class ExactSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(string) && schema.Type is null && schema.Enum is not { Count: > 0 } && schema.OneOf is null && schema.AnyOf is null)
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        // Lists and maps of strings lose their item type the same way (an API key's roles, a problem's errors).
        var elementType = context.JsonTypeInfo.ElementType;
        if (schema.Type is { } arrayType && arrayType.HasFlag(JsonSchemaType.Array) && schema.Items is null && elementType == typeof(string))
        {
            schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
        }

        if (schema.AdditionalProperties is OpenApiSchema { Type: JsonSchemaType.Array, Items: null } lists && elementType == typeof(string[]))
        {
            lists.Items = new OpenApiSchema { Type = JsonSchemaType.String };
        }

        // A nullable enum's component lists null among its values, while the property that uses it already says
        // "null or this enum" (oneOf); null would then match both branches, which oneOf forbids.
        if (Nullable.GetUnderlyingType(type) is { IsEnum: true } && schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
        {
            schema.Enum = [.. values.Where(v => v is not null)];
        }

        if (typeof(ProblemDetails).IsAssignableFrom(type))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
        }

        return Task.CompletedTask;
    }
}
