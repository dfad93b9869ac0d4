namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// Sits in every test client: a 5xx, or an error whose body is not problem+json, fails the test that caused it,
/// whatever that test asserts itself.
/// </summary>
public sealed class ProblemJsonContract : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new Xunit.Sdk.XunitException($"{request.Method} {request.RequestUri} answered {status}: {body}");
        }

        if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            throw new Xunit.Sdk.XunitException(
                $"{request.Method} {request.RequestUri} answered {status} with {response.Content.Headers.ContentType?.MediaType ?? "no body"}, not problem+json");
        }

        return response;
    }
}
