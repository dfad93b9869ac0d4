using System.Net;
using System.Text.Json;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Platform;

public sealed class PlatformTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_without_a_key(string path)
    {
        var response = await factory.Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();

        // Liveness answers in plain text; readiness in JSON that names each check (issue 12).
        Assert.Equal("Healthy", path == "/health/ready" ? (string?)System.Text.Json.Nodes.JsonNode.Parse(body)!["status"] : body);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_endpoint_with_schemas_and_the_bearer_scheme()
    {
        using var document = JsonDocument.Parse(await factory.Client().GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var paths = root.GetProperty("paths");

        (string Path, string Method)[] expected =
        [
            ("/api/v1/clinics", "post"),
            ("/api/v1/clinics", "get"),
            ("/api/v1/clinics/{clinicId}/api-keys", "post"),
            ("/api/v1/clinics/{clinicId}/api-keys", "get"),
            ("/api/v1/clinics/{clinicId}/api-keys/{keyId}", "delete"),
            ("/api/v1/patients/{patientId}", "put"),
            ("/api/v1/patients/{patientId}", "get"),
            ("/api/v1/patients/{patientId}", "delete"),
            ("/api/v1/patients", "get"),
            ("/api/v1/patients/{patientId}/sessions/{sessionNumber}", "put"),
            ("/api/v1/patients/{patientId}/sessions/{sessionNumber}/revisions", "get"),
            ("/api/v1/patients/{patientId}/trajectory", "get"),
            ("/api/v1/alerts", "get"),
            ("/api/v1/alerts/{alertId}", "get"),
            ("/api/v1/alerts/{alertId}/acknowledge", "post"),
            ("/api/v1/alerts/{alertId}/resolve", "post"),
            ("/api/v1/clinics/current/settings", "get"),
            ("/api/v1/clinics/current/settings", "put"),
            ("/api/v1/analysis/calibrations", "get"),
            ("/api/v1/analysis/refit", "post"),
            ("/api/v1/webhooks", "post"),
            ("/api/v1/webhooks", "get"),
            ("/api/v1/webhooks/{webhookId}", "get"),
            ("/api/v1/webhooks/{webhookId}", "delete"),
            ("/api/v1/webhooks/{webhookId}/deliveries", "get"),
            ("/api/v1/webhooks/{webhookId}/ping", "post"),
            ("/api/v1/export/sessions", "get"),
            ("/api/v1/export/codebook", "get"),
            ("/api/v1/analysis/summary", "get"),
            ("/api/v1/analysis/effects", "get"),
        ];
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is not documented");
            var operation = paths.GetProperty(path).GetProperty(method);
            Assert.True(operation.TryGetProperty("security", out _), $"{method} {path} has no security requirement");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{method} {path} does not document 401");
        }

        var putSession = paths.GetProperty("/api/v1/patients/{patientId}/sessions/{sessionNumber}").GetProperty("put");
        Assert.True(putSession.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(putSession.GetProperty("responses").GetProperty("201").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(putSession.GetProperty("responses").GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _));

        var schemas = root.GetProperty("components").GetProperty("schemas");
        foreach (var schema in new[] { "SessionBody", "MeasurementInput", "SessionResponse", "MeasurementResponse", "PatientDetail", "CreateApiKeyRequest", "AlertResponse", "AlertEvidence", "TrajectoryResponse", "DetectorSettings", "CalibrationResponse", "CreateWebhookRequest", "CreatedWebhookResponse", "DeliveryResponse" })
        {
            Assert.True(schemas.TryGetProperty(schema, out _), $"schema {schema} missing");
        }

        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
    }

    [Fact]
    public async Task The_interactive_docs_page_is_served()
    {
        var response = await factory.Client().GetAsync("/docs/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_unknown_route_answers_problem_json()
    {
        var response = await factory.Client().GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
