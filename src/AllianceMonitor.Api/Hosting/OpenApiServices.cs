using AllianceMonitor.Api.OpenApi;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The OpenAPI document and its browsable page at <c>/docs</c>.</summary>
public static class OpenApiServices
{
    public static WebApplicationBuilder AddOpenApiDocument(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<BearerSecurityTransformer>();
            o.AddOperationTransformer<BearerSecurityTransformer>();
            o.AddOperationTransformer<TextResponsesTransformer>();
            o.AddSchemaTransformer<ExactSchemaTransformer>();
            o.AddDocumentTransformer<OptionalRequestFieldsTransformer>();
            o.AddDocumentTransformer<DocumentInfoTransformer>();
        });
        return builder;
    }

    public static WebApplication MapOpenApiDocument(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "AllianceMonitor v1");
            o.DocumentTitle = "AllianceMonitor API";
        });
        return app;
    }
}
