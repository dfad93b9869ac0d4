namespace AllianceMonitor.Api.Forms;

/// <summary>
/// Origins as a browser compares them (scheme, host, port), so a configured origin and a return URL are matched
/// exactly: <c>https://app.example.org</c> admits <c>https://app.example.org/done</c> but not
/// <c>https://app.example.org.evil.test</c>, <c>http://app.example.org</c> or <c>https://user@app.example.org</c>.
/// </summary>
public static class FormOrigins
{
    public const string Rule = "must be an origin: http:// or https://, a host and an optional port, with no path, query or user name (e.g. https://app.example.org)";

    /// <summary>The normalised origin of an absolute http(s) URL, or null for anything else.</summary>
    public static string? OriginOf(string? url)
    {
        if (url is null || url.Length > 2000 || url.Any(char.IsControl) || url.Contains('\\', StringComparison.Ordinal)
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    /// <summary>Whether the text is an origin itself, not a URL with a path.</summary>
    public static bool IsOrigin(string? text) =>
        OriginOf(text) is { } origin && string.Equals(origin, text!.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    public static string Normalize(string origin) => OriginOf(origin)!;

    /// <summary>Whether a return URL may be used: its origin is one the clinic configured.</summary>
    public static bool IsAllowedReturn(string url, IEnumerable<string> allowedOrigins) =>
        OriginOf(url) is { } origin && allowedOrigins.Contains(origin, StringComparer.Ordinal);
}
