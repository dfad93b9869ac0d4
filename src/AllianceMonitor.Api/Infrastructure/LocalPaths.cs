namespace AllianceMonitor.Api.Infrastructure;

/// <summary>Which return addresses the dashboard may redirect to: paths on this site, nothing a browser reads as another host.</summary>
public static class LocalPaths
{
    /// <remarks>
    /// Browsers drop tabs and newlines from a Location and treat a backslash as a slash, so "/\t/evil.example" and
    /// "/\evil.example" both become "//evil.example", another site. Any control character or backslash, or a leading
    /// "//", disqualifies the address.
    /// </remarks>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && !url.StartsWith("//", StringComparison.Ordinal)
        && !url.Contains('\\')
        && !url.Any(char.IsControl);
}
