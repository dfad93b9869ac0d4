using System.Net;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>
/// The key every per-address limit partitions by: the connection's remote address, IPv4-mapped IPv6 folded to IPv4 so
/// one client has one key. Behind a reverse proxy this is the proxy's address unless ForwardedHeaders trusts it.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : IPAddress.None.ToString();
}
