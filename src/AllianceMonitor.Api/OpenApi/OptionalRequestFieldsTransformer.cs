using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AllianceMonitor.Api.OpenApi;

/// <summary>
/// In a request body, a field that may be null may also be left out: the serializer reads a missing field as null, and
/// the validators judge null and missing alike. The generator marks every constructor parameter required, so a typed
/// client could not send the README's minimal bodies; this drops nullable fields from <c>required</c> in every schema a
/// request body reaches. A field the server insists on is non-nullable in its record, so it stays required.
/// </summary>
internal sealed class OptionalRequestFieldsTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null || document.Paths is null)
        {
            return Task.CompletedTask;
        }

        var pending = new Stack<IOpenApiSchema>(document.Paths.Values
            .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.RequestBody?.Content?.Values.AsEnumerable() ?? [])
            .Select(c => c.Schema)
            .OfType<IOpenApiSchema>());
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out var schema))
        {
            if (schema is OpenApiSchemaReference reference)
            {
                if (reference.Reference.Id is { } id && visited.Add(id) && schemas.TryGetValue(id, out var target))
                {
                    pending.Push(target);
                }

                continue;
            }

            if (schema is not OpenApiSchema concrete)
            {
                continue;
            }

            foreach (var (name, property) in concrete.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                if (IsNullable(property))
                {
                    concrete.Required?.Remove(name);
                }

                pending.Push(property);
            }

            foreach (var nested in new[] { concrete.Items }.Concat(concrete.OneOf ?? []).Concat(concrete.AnyOf ?? []).Concat(concrete.AllOf ?? []))
            {
                if (nested is not null)
                {
                    pending.Push(nested);
                }
            }
        }

        return Task.CompletedTask;
    }

    private static bool IsNullable(IOpenApiSchema schema) =>
        (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null))
        || (schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Any(s => s.Type == JsonSchemaType.Null);
}
