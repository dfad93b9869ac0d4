using System.Net;
using System.Net.Sockets;

namespace AllianceMonitor.Api.Webhooks;

/// <summary>
/// Addresses a webhook must never reach: the service's own host, the clinic network behind it and cloud metadata.
/// Every address is judged by its numeric value, so no notation of the same address (decimal, octal, hex, short
/// forms, IPv4-mapped IPv6, NAT64, 6to4) slips past a check written for one spelling.
/// </summary>
public static class InternalAddresses
{
    private static readonly (IPAddress Network, int PrefixLength)[] V4Ranges =
    [
        (IPAddress.Parse("0.0.0.0"), 8),         // "this network", including the unspecified 0.0.0.0
        (IPAddress.Parse("10.0.0.0"), 8),        // RFC 1918
        (IPAddress.Parse("100.64.0.0"), 10),     // carrier-grade NAT (RFC 6598)
        (IPAddress.Parse("127.0.0.0"), 8),       // loopback
        (IPAddress.Parse("169.254.0.0"), 16),    // link-local, where cloud metadata answers
        (IPAddress.Parse("172.16.0.0"), 12),     // RFC 1918
        (IPAddress.Parse("192.0.0.0"), 24),      // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),      // documentation
        (IPAddress.Parse("192.88.99.0"), 24),    // 6to4 relay anycast
        (IPAddress.Parse("192.168.0.0"), 16),    // RFC 1918
        (IPAddress.Parse("198.18.0.0"), 15),     // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),   // documentation
        (IPAddress.Parse("203.0.113.0"), 24),    // documentation
        (IPAddress.Parse("224.0.0.0"), 4),       // multicast
        (IPAddress.Parse("240.0.0.0"), 4),       // reserved, including broadcast 255.255.255.255
    ];

    private static readonly (IPAddress Network, int PrefixLength)[] V6Ranges =
    [
        (IPAddress.Parse("::"), 128),            // unspecified
        (IPAddress.Parse("::1"), 128),           // loopback
        (IPAddress.Parse("100::"), 64),          // discard-only
        (IPAddress.Parse("2001:db8::"), 32),     // documentation
        (IPAddress.Parse("fc00::"), 7),          // unique-local
        (IPAddress.Parse("fe80::"), 10),         // link-local
        (IPAddress.Parse("fec0::"), 10),         // deprecated site-local, still routed inside some networks
        (IPAddress.Parse("ff00::"), 8),          // multicast
    ];

    private static readonly IPAddress Nat64WellKnown = IPAddress.Parse("64:ff9b::");
    private static readonly IPAddress Nat64Local = IPAddress.Parse("64:ff9b:1::");
    private static readonly IPAddress SixToFour = IPAddress.Parse("2002::");
    private static readonly IPAddress Teredo = IPAddress.Parse("2001::");

    /// <returns>True when the address, or the IPv4 address it carries, is not on the public internet.</returns>
    public static bool Contains(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return V4Ranges.Any(r => InPrefix(address, r.Network, r.PrefixLength));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return Contains(address.MapToIPv4());
        }

        var bytes = address.GetAddressBytes();

        // IPv4-compatible (::a.b.c.d, deprecated) and the translation prefixes embed an IPv4 address that a gateway
        // would connect to; judge that address.
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return true;
        }

        if (InPrefix(address, Nat64WellKnown, 96) || InPrefix(address, Nat64Local, 48))
        {
            return Contains(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (InPrefix(address, SixToFour, 16))
        {
            return Contains(new IPAddress(bytes.AsSpan(2, 4)));
        }

        if (InPrefix(address, Teredo, 32))
        {
            // The client address is stored inverted.
            var client = bytes.AsSpan(12, 4).ToArray();
            for (var i = 0; i < client.Length; i++)
            {
                client[i] = (byte)~client[i];
            }

            return Contains(new IPAddress(client));
        }

        return V6Ranges.Any(r => InPrefix(address, r.Network, r.PrefixLength));
    }

    private static bool InPrefix(IPAddress address, IPAddress network, int prefixLength)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefixLength / 8;
        if (!a.AsSpan(0, full).SequenceEqual(n.AsSpan(0, full)))
        {
            return false;
        }

        var rest = prefixLength % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }
}
