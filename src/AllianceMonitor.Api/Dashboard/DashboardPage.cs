using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>Which part of the dashboard a page belongs to: the navigation marks it as the current one.</summary>
public enum DashboardSection
{
    SignIn,
    Alerts,
    Patients,
    Overview,
    Supervisor,
}

/// <summary>What the layout needs besides a page's content.</summary>
/// <param name="CsrfToken">The anti-forgery request token every form on the page carries (sign-out included).</param>
/// <param name="ChartScripts">Whether the page loads Chart.js and the chart script (the patient view only).</param>
/// <param name="Supervisor">Whether the navigation links the supervisor view (a key with the clinic's admin role).</param>
public sealed record PageFrame(string Title, DashboardSection Current, bool SignedIn, string CsrfToken, bool ChartScripts = false, bool Supervisor = false);

/// <summary>
/// Renders a page component server-side with the dashboard's security headers. No page carries inline script or style,
/// so the policy allows scripts and styles from this origin only.
/// </summary>
internal static class DashboardPage
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static PageFrame Frame(HttpContext http, string title, DashboardSection current, bool chartScripts = false)
    {
        // Generated before rendering starts, so the anti-forgery cookie goes out with the response headers.
        var token = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http).RequestToken ?? "";
        return new PageFrame(title, current, DashboardAuthentication.IsCookieAuthenticated(http), token, chartScripts, http.User.IsInRole(Roles.Admin));
    }

    /// <summary>A page whose component takes the frame and a model (<see cref="DashboardPageBase{TModel}"/>).</summary>
    public static RazorComponentResult<TPage> Render<TPage, TModel>(HttpContext http, PageFrame frame, TModel model, int status = StatusCodes.Status200OK)
        where TPage : DashboardPageBase<TModel>
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var parameters = new Dictionary<string, object?>
        {
            [nameof(DashboardPageBase<TModel>.Frame)] = frame,
            [nameof(DashboardPageBase<TModel>.Model)] = model,
        };
        return new RazorComponentResult<TPage>(parameters) { StatusCode = status, PreventStreamingRendering = true };
    }

    /// <summary>A local path to come back to after a form post; anything else becomes "/".</summary>
    public static string SafeReturn(string? url) => LocalPaths.IsLocal(url) ? url! : "/";
}

/// <summary>A dashboard page: the layout's frame and the page's view model, both filled before rendering.</summary>
public abstract class DashboardPageBase<TModel> : ComponentBase
{
    [Parameter, EditorRequired]
    public PageFrame Frame { get; set; } = null!;

    [Parameter, EditorRequired]
    public TModel Model { get; set; } = default!;
}
