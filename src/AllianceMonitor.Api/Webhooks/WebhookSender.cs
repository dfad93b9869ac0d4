using System.Globalization;
using System.Text;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>One signed POST to a receiver, reduced to a status code and an error category.</summary>
public sealed class WebhookSender(IHttpClientFactory httpClients, WebhookSecrets secrets, TimeProvider clock)
{
    public const string HttpClientName = "webhooks";
    public const string Unreachable = "unreachable";

    /// <param name="protectedSecrets">Encrypted as stored; each is decrypted only here, for the moment of signing.</param>
    public async Task<SendOutcome> SendAsync(
        Guid eventId, string url, IReadOnlyList<string> protectedSecrets, string body, CancellationToken cancellationToken)
    {
        var id = eventId.ToString();
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add(WebhookSigner.IdHeader, id);
            request.Headers.Add(WebhookSigner.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            var signatures = protectedSecrets.Select(s => WebhookSigner.Sign(secrets.Unprotect(s), id, timestamp, body));
            request.Headers.Add(WebhookSigner.SignatureHeader, string.Join(' ', signatures));

            // Only the status line is read: what a receiver answers is none of our business and is never stored.
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var code = (int)response.StatusCode;
            return code switch
            {
                >= 200 and < 300 => new SendOutcome(code, null),
                >= 300 and < 400 => new SendOutcome(code, "redirect"),
                _ => new SendOutcome(code, "http_error"),
            };
        }
        // A refused target, a closed port, a filtered one and a slow one all read "unreachable" in the delivery log:
        // telling them apart would let an admin key map a network by registering targets and watching the log.
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendOutcome(null, Unreachable);
        }
        catch (HttpRequestException)
        {
            return new SendOutcome(null, Unreachable);
        }
        // Includes a secret the key ring can no longer decrypt (its key was deleted or revoked): the receiver could not
        // verify anything we sent, so nothing is sent.
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new SendOutcome(null, "send_failed");
        }
    }
}

/// <param name="StatusCode">The receiver's status code, if it answered.</param>
/// <param name="Error">Null for a 2xx; else unreachable (refused, not answering or too slow; deliberately not told apart), redirect, http_error or send_failed.</param>
public sealed record SendOutcome(int? StatusCode, string? Error);
