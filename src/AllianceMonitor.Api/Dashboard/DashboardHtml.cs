using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>Server-rendered pages: one layout, encoded text, strict security headers, never cached.</summary>
internal static class DashboardHtml
{
    public static string H(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string N(double? value, string format = "0.00") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Csrf(HttpContext http)
    {
        var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        return $"""<input type="hidden" name="{DashboardAuthentication.AntiforgeryFieldName}" value="{H(tokens.RequestToken)}">""";
    }

    /// <summary>A local path to come back to after a form post; anything else becomes "/".</summary>
    public static string SafeReturn(string? url) => LocalPaths.IsLocal(url) ? url! : "/";

    /// <summary>Previous and next links around "51–100 of 1653"; nothing when everything fits on one page.</summary>
    public static string Pager(string what, int page, int total, int pageSize, Func<int, string> href)
    {
        if (total <= pageSize)
        {
            return "";
        }

        var lastPage = (total + pageSize - 1) / pageSize;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""<nav class="pager" aria-label="Pages of {H(what)}">""");
        if (page > 1)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<a href="{H(href(page - 1))}" rel="prev">Previous page</a>""");
        }

        html.Append(CultureInfo.InvariantCulture, $"""<span>{H(what)} {((page - 1) * pageSize) + 1}–{Math.Min(total, page * pageSize)} of {total}</span>""");
        if (page < lastPage)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<a href="{H(href(page + 1))}" rel="next">Next page</a>""");
        }

        return html.Append("</nav>").ToString();
    }

    public static IResult Page(HttpContext http, string title, string current, string body, int status = StatusCodes.Status200OK, string? script = null)
    {
        var signedIn = DashboardAuthentication.IsCookieAuthenticated(http);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{H(title)} · AllianceMonitor</title>
            <link rel="stylesheet" href="/css/dashboard.css">
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="top">
            <span class="brand">AllianceMonitor</span>
            """);
        if (signedIn)
        {
            html.Append("<nav aria-label=\"Dashboard\"><ul>");
            foreach (var (href, label, key) in new[] { ("/", "Alerts", "alerts"), ("/patients", "Patients", "patients"), ("/overview", "Clinic overview", "overview") })
            {
                var aria = key == current ? " aria-current=\"page\"" : "";
                html.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{href}\"{aria}>{label}</a></li>");
            }

            html.Append("</ul></nav>");
            html.Append(CultureInfo.InvariantCulture, $"""<form method="post" action="/logout" class="signout">{Csrf(http)}<button type="submit" id="sign-out">Sign out</button></form>""");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </header>
            <main id="main" tabindex="-1">
            {body}
            </main>
            <footer class="foot"><p>Alerts are prompts to look, not diagnoses. Pseudonymous ids only: this service holds no names.</p></footer>
            """);
        if (script is not null)
        {
            html.Append(script);
        }

        html.Append("</body></html>");

        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Content-Security-Policy"] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers["X-Content-Type-Options"] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
