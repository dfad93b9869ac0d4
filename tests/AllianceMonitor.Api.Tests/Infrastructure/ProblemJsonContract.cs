namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>
/// Sits in every test client: a 5xx, or an error whose body is not problem+json, fails the test that caused it,
/// whatever that test asserts itself.
/// </summary>
public sealed class ProblemJsonContract(ServerErrorLog? serverErrors = null) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var seen = serverErrors is null ? "" : Environment.NewLine + "The server logged:" + Environment.NewLine + string.Join(Environment.NewLine, serverErrors.Errors.TakeLast(3));
            throw new Xunit.Sdk.XunitException($"{request.Method} {request.RequestUri} answered {status}: {body}{seen}");
        }

        if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            throw new Xunit.Sdk.XunitException(
                $"{request.Method} {request.RequestUri} answered {status} with {response.Content.Headers.ContentType?.MediaType ?? "no body"}, not problem+json");
        }

        return response;
    }
}
