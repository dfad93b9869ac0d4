using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AllianceMonitor.Api.Imports;

/// <summary>The request body in the document: NDJSON whose every line is a <see cref="SessionImportLine"/>.</summary>
internal static class ImportOpenApi
{
    public static async Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(SessionImportLine), cancellationToken: cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "One session per line, each a JSON object as described here (newline-delimited JSON).",
            Content = new Dictionary<string, OpenApiMediaType> { [ImportEndpoints.NdjsonMediaType] = new() { Schema = schema } },
        };
    }
}
