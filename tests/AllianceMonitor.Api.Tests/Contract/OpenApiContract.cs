using System.Net;

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>
/// Sits in every test client (see <c>ApiFactory.Client</c>): each response to an API path must be one the OpenAPI
/// document declares for that operation (its status, its media type) and its body must validate against the declared
/// schema. A mismatch fails the test that caused it, whatever that test asserts itself; <see cref="ContractLedger"/>
/// counts what was checked, and the run prints the count at its end.
/// </summary>
public sealed class OpenApiContract(Func<Task<OpenApiContractDocument>> document) : DelegatingHandler
{
    /// <summary>The export streams: a test may stop reading part-way (ExportAbortTests), so its body is not read here.</summary>
    private static readonly HashSet<string> StreamedMediaTypes = new(StringComparer.OrdinalIgnoreCase) { "text/csv", "application/x-ndjson" };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : request.RequestUri?.OriginalString.Split('?')[0] ?? "";
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            ContractLedger.Skipped();
            return response;
        }

        var contract = await document();
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var where = $"{request.Method} {path} answered {status} {mediaType ?? "(no body)"}";
        var operation = contract.Find(request.Method, path);
        if (operation is null)
        {
            // No documented operation has this path and method: only the router's own "no such endpoint" is acceptable.
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            {
                ContractLedger.Unrouted();
                return response;
            }

            throw Mismatch(where, "the OpenAPI document declares no operation for this method and path");
        }

        if (!operation.Responses.TryGetValue(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var declared))
        {
            throw Mismatch(where, $"{operation.Name} declares only {string.Join(", ", operation.Responses.Keys)}");
        }

        var hasBody = mediaType is not null || (response.Content.Headers.ContentLength ?? 0) > 0;
        if (!hasBody)
        {
            if (declared.Content.Count > 0 && status != (int)HttpStatusCode.NoContent)
            {
                throw Mismatch(where, $"{operation.Name} declares a body ({string.Join(", ", declared.Content.Keys)}) for {status}, and none came");
            }

            ContractLedger.Validated();
            return response;
        }

        if (mediaType is null || !declared.Content.TryGetValue(mediaType, out var schema))
        {
            throw Mismatch(where, $"{operation.Name} declares {string.Join(", ", declared.Content.Keys.DefaultIfEmpty("no body"))} for {status}");
        }

        if (!StreamedMediaTypes.Contains(mediaType) && schema is not null)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase) && schema.Validate(body) is { } errors)
            {
                throw Mismatch(where, $"the body does not match {operation.Name}'s schema for {status} {mediaType}:{Environment.NewLine}{errors}{Environment.NewLine}{Shorten(body)}");
            }
        }

        ContractLedger.Validated();
        return response;
    }

    private static Xunit.Sdk.XunitException Mismatch(string where, string why) => new($"OpenAPI contract: {where}, but {why}");

    private static string Shorten(string body) => body.Length <= 600 ? body : body[..600] + "...";
}
