using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>
/// Where webhooks may go. A clinic admin key must not turn the service into a proxy into its own network
/// (server-side request forgery), so a target is checked when it is registered and again, against the address
/// actually connected to, at every delivery: a name that resolved to a public address at registration and to an
/// internal one later (DNS rebinding) is refused then.
/// </summary>
public sealed class WebhookTargetPolicy(IOptions<WebhookOptions> options)
{
    /// <summary>Names that mean "this host" or an internal service whatever DNS says.</summary>
    private static readonly string[] InternalNames = ["localhost", "metadata", "metadata.google.internal"];

    private static readonly string[] InternalSuffixes = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa"];

    private static readonly TimeSpan RegistrationLookupLimit = TimeSpan.FromSeconds(3);

    public const string Rule = "must not point to a loopback, private, link-local or other internal network address";

    private bool AllowPrivate => options.Value.AllowPrivateNetworks;

    public bool Allows(IPAddress address) => AllowPrivate || !InternalAddresses.Contains(address);

    /// <returns>Null when the URL may be registered; else the rule it breaks.</returns>
    public async Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        if (AllowPrivate)
        {
            return null;
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            // Uri has already read every IPv4 notation (2130706433, 0x7f.1, 0177.0.0.1, 127.1) into one address.
            return IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) && Allows(literal) ? null : Rule;
        }

        var host = url.IdnHost.TrimEnd('.').ToLowerInvariant();
        if (InternalNames.Contains(host) || InternalSuffixes.Any(s => host.EndsWith(s, StringComparison.Ordinal)) || !host.Contains('.'))
        {
            return Rule;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(RegistrationLookupLimit);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, limit.Token);
            return addresses.All(Allows) ? null : Rule;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A name that does not resolve yet may be registered (a receiver set up later); every delivery checks again.
            return null;
        }
    }

    /// <summary>
    /// The connection step of the webhook HTTP client: resolves the host once, refuses the whole target if any of its
    /// addresses is internal, and connects to the checked address itself, so no second lookup can substitute another.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0 || !addresses.All(Allows))
        {
            throw new WebhookTargetRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            if (socket.RemoteEndPoint is not IPEndPoint connected || !Allows(connected.Address))
            {
                throw new WebhookTargetRefusedException();
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>The target's address is internal; the attempt is not made.</summary>
public sealed class WebhookTargetRefusedException() : Exception("The webhook target resolves to an internal address.");
