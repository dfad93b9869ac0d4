namespace AllianceMonitor.Api.Forms;

/// <summary>
/// The address of a form page. <c>Forms:PublicBaseUrl</c> sets it behind a proxy that rewrites the host; otherwise
/// the request's own scheme and host are used.
/// </summary>
public static class FormUrls
{
    public const string PathPrefix = "/f/";

    public static string Absolute(HttpContext http, IConfiguration configuration, string token)
    {
        var configured = configuration["Forms:PublicBaseUrl"];
        var origin = string.IsNullOrEmpty(configured) ? $"{http.Request.Scheme}://{http.Request.Host}" : configured.TrimEnd('/');
        return origin + PathPrefix + token;
    }
}
