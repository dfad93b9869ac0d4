using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// The dashboard's session cookie beside the bearer API. A policy scheme picks bearer when an Authorization header is
/// present (or for an API call that carries no session cookie, so API clients keep their 401 + WWW-Authenticate:
/// Bearer), else the cookie. The cookie holds the key id, clinic and roles, never the key, and every request
/// re-checks that the key is still in force (through <see cref="ApiKeyCache"/>, which every change to a key empties),
/// so revoking the key ends its dashboard sessions at once.
/// </summary>
public static class DashboardAuthentication
{
    public const string PolicyScheme = "BearerOrCookie";
    public const string CookieScheme = "DashboardCookie";
    public const string CookieName = "am_session";
    public const string AntiforgeryCookieName = "am_csrf";
    public const string AntiforgeryHeaderName = "X-CSRF-TOKEN";
    public const string AntiforgeryFieldName = "__csrf";

    public static AuthenticationBuilder AddBearerAndDashboardCookie(this IServiceCollection services)
    {
        services.AddAntiforgery(o =>
        {
            o.HeaderName = AntiforgeryHeaderName;
            o.FormFieldName = AntiforgeryFieldName;
            o.Cookie.Name = AntiforgeryCookieName;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.HttpOnly = true;
        });

        return services.AddAuthentication(PolicyScheme)
            .AddPolicyScheme(PolicyScheme, "Bearer key or dashboard session", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.IsEssential = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/login";
                o.ReturnUrlParameter = "returnUrl";
                o.Events = new CookieAuthenticationEvents
                {
                    OnValidatePrincipal = RecheckKeyAsync,
                    OnRedirectToLogin = context => IsApi(context.Request) ? ApiProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized) : Redirect(context),
                    OnRedirectToAccessDenied = context => IsApi(context.Request) ? ApiProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden) : Redirect(context),
                };
            });
    }

    private static string SelectScheme(HttpContext context)
    {
        if (!string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            return ApiKeyAuthenticationHandler.SchemeName;
        }

        return IsApi(context.Request) && !context.Request.Cookies.ContainsKey(CookieName)
            ? ApiKeyAuthenticationHandler.SchemeName
            : CookieScheme;
    }

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    public static bool IsCookieAuthenticated(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };

    private static async Task RecheckKeyAsync(CookieValidatePrincipalContext context)
    {
        var keyId = context.Principal?.FindFirst(ClaimNames.KeyId)?.Value;
        var services = context.HttpContext.RequestServices;
        var inForce = Guid.TryParse(keyId, out var id) && await services.GetRequiredService<ApiKeyCache>()
            .IsClinicKeyInForceAsync(services.GetRequiredService<AllianceDbContext>(), id, context.HttpContext.RequestAborted);
        if (!inForce)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private static Task Redirect(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static async Task ApiProblemAsync(HttpContext http, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await Problems.Write(http, status, status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden",
            status == StatusCodes.Status401Unauthorized ? "The session has ended or its key was revoked." : "This key's roles do not allow this.");
    }

    /// <summary>
    /// Every state-changing request made with the session cookie (dashboard forms and API calls alike), and every
    /// dashboard form post (sign-in included), must carry the anti-forgery token. Bearer calls are not cookie-borne,
    /// so a cross-site page cannot make them and they need none.
    /// </summary>
    public static IApplicationBuilder UseDashboardAntiforgery(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var method = context.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
        // An endpoint that opts out (the public form pages, whose unguessable link is their credential and which must
        // work framed on another site, where a SameSite=Strict cookie is never sent) is left to its own checks.
        var optedOut = context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: false };
        var needsToken = !safe && !optedOut && string.IsNullOrEmpty(context.Request.Headers.Authorization)
            && (!IsApi(context.Request) || IsCookieAuthenticated(context));
        if (needsToken)
        {
            if (!await HasValidTokenAsync(context))
            {
                await Problems.Write(context, StatusCodes.Status400BadRequest, "Missing or invalid anti-forgery token",
                    "A request made with the dashboard session must carry its anti-forgery token (form field __csrf or header X-CSRF-TOKEN). Reload the page and try again.");
                return;
            }
        }

        await next(context);
    });

    private static async Task<bool> HasValidTokenAsync(HttpContext context)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            // A form body that cannot be read (a NUL or malformed escape in a value) carries no token we could trust.
            return false;
        }
    }
}
