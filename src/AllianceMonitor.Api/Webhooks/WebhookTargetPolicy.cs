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
public sealed class WebhookTargetPolicy
{
    /// <summary>Names that mean "this host" or an internal service whatever DNS says.</summary>
    private static readonly string[] InternalNames = ["localhost", "metadata", "metadata.google.internal"];

    private static readonly string[] InternalSuffixes = [".localhost", ".internal", ".local", ".localdomain", ".home.arpa"];

    public const string Rule = "must not point to a loopback, private, link-local or other internal network address";

    private readonly IOptions<WebhookOptions> _options;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly TimeSpan _registrationLookupLimit;

    public WebhookTargetPolicy(IOptions<WebhookOptions> options)
        : this(options, Dns.GetHostAddressesAsync, TimeSpan.FromSeconds(3))
    {
    }

    /// <param name="resolve">The name lookup (tests give one that never answers).</param>
    /// <param name="registrationLookupLimit">How long a registration waits for the lookup before it accepts the name unchecked.</param>
    internal WebhookTargetPolicy(
        IOptions<WebhookOptions> options, Func<string, CancellationToken, Task<IPAddress[]>> resolve, TimeSpan registrationLookupLimit)
    {
        _options = options;
        _resolve = resolve;
        _registrationLookupLimit = registrationLookupLimit;
    }

    private bool AllowPrivate => _options.Value.AllowPrivateNetworks;

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
        limit.CancelAfter(_registrationLookupLimit);
        try
        {
            var addresses = await LookUpAsync(host, limit.Token);
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
            : await LookUpAsync(host, cancellationToken);
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

    /// <summary>
    /// The lookup, given up when the token is cancelled even if the resolver is not: on Linux the system resolver runs
    /// to its own timeouts (10 s and more against a server that never answers) whatever the token says, which held a
    /// registration well past its limit.
    /// </summary>
    private Task<IPAddress[]> LookUpAsync(string host, CancellationToken cancellationToken) =>
        _resolve(host, cancellationToken).WaitAsync(cancellationToken);
}

/// <summary>The target's address is internal; the attempt is not made.</summary>
public sealed class WebhookTargetRefusedException() : Exception("The webhook target resolves to an internal address.");
