using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AllianceMonitor.Api.OpenApi;

/// <summary>A text body an endpoint gives besides its JSON one for the same status (the codebook as Markdown).</summary>
public sealed record TextResponseMetadata(int StatusCode, string ContentType);

public static class TextResponses
{
    /// <summary>
    /// Declares a text alternative for <paramref name="statusCode"/>. The generator keeps one body type per status,
    /// so a second Produces would replace the JSON one; this adds the media type to the operation instead.
    /// </summary>
    public static RouteHandlerBuilder AlsoProducesText(this RouteHandlerBuilder builder, int statusCode, string contentType) =>
        builder.WithMetadata(new TextResponseMetadata(statusCode, contentType));
}

internal sealed class TextResponsesTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var text in context.Description.ActionDescriptor.EndpointMetadata.OfType<TextResponseMetadata>())
        {
            var key = text.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Responses?.TryGetValue(key, out var response) == true && response is OpenApiResponse concrete)
            {
                concrete.Content ??= new Dictionary<string, OpenApiMediaType>();
                concrete.Content[text.ContentType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }

        return Task.CompletedTask;
    }
}
