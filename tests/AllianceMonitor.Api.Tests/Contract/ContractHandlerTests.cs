using System.Net;
using System.Text;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>The contract handler itself: it passes a response the document declares and fails each kind of mismatch.</summary>
public sealed class ContractHandlerTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string ValidSession = """{"patientId":"p-1","sessionNumber":1,"occurredOn":null,"modality":null,"therapistId":null,"measurements":[]}""";

    [Fact]
    public async Task A_declared_response_with_a_valid_body_passes_and_is_counted()
    {
        var before = ContractLedger.ValidatedCount;
        using var client = Through(HttpStatusCode.OK, "application/json", ValidSession);

        var response = await client.PutAsync("/api/v1/patients/p-1/sessions/1", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(ContractLedger.ValidatedCount > before);
    }

    [Theory]
    [InlineData(418, "application/problem+json", """{"title":"teapot"}""", "declares only")]
    [InlineData(200, "text/plain", "fine", "declares application/json")]
    [InlineData(200, "application/json", """{"patientId":"p-1","measurements":[]}""", "does not match")]
    [InlineData(200, "application/json", """{"patientId":7,"sessionNumber":1,"occurredOn":null,"modality":null,"therapistId":null,"measurements":[]}""", "does not match")]
    [InlineData(400, "application/problem+json", """{"errors":{"measurements":"one string, not a list"}}""", "does not match")]
    public async Task A_response_the_document_does_not_declare_fails_the_test(int status, string mediaType, string body, string why)
    {
        using var client = Through((HttpStatusCode)status, mediaType, body);

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => client.PutAsync("/api/v1/patients/p-1/sessions/1", null));

        Assert.Contains(why, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undocumented_api_path_may_only_answer_404()
    {
        using var client = Through(HttpStatusCode.OK, "application/json", "{}");

        var failure = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => client.GetAsync("/api/v1/secret-endpoint"));

        Assert.Contains("declares no operation", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>A client whose "server" answers every request with the given response, checked against the real document.</summary>
    private HttpClient Through(HttpStatusCode status, string mediaType, string body)
    {
        var contract = new OpenApiContract(factory.ContractDocumentAsync) { InnerHandler = new Canned(status, mediaType, body) };
        return new HttpClient(contract) { BaseAddress = new Uri("http://localhost") };
    }

    private sealed class Canned(HttpStatusCode status, string mediaType, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType), RequestMessage = request });
    }
}
