using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AllianceMonitor.Api.Imports;

/// <summary>The request body in the document: NDJSON whose every line is a <see cref="SessionImportLine"/>.</summary>
internal static class ImportOpenApi
{
    /// <summary>
    /// Moves the body the generator described from <c>IAcceptsMetadata</c> (a reference to the line's schema,
    /// under a JSON media type) to the NDJSON media type the endpoint reads.
    /// </summary>
    public static async Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var line = operation.RequestBody?.Content?.Values.FirstOrDefault()
            ?? new OpenApiMediaType { Schema = await context.GetOrCreateSchemaAsync(typeof(SessionImportLine), cancellationToken: cancellationToken) };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "Newline-delimited JSON: one session per line, each line a JSON object of this schema.",
            Content = new Dictionary<string, OpenApiMediaType> { [ImportEndpoints.NdjsonMediaType] = line },
        };
    }
}
