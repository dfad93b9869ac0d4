using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Dashboard.Pages;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.Authentication;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>Signing in with a clinician key (exchanged for a session cookie) and signing out.</summary>
internal static class SignInEndpoints
{
    public static IResult LoginPage(HttpContext http, string? returnUrl, string? signedOut)
    {
        if (DashboardAuthentication.IsCookieAuthenticated(http))
        {
            return Results.Redirect(DashboardPage.SafeReturn(returnUrl));
        }

        return LoginForm(http, new LoginModel(DashboardPage.SafeReturn(returnUrl), signedOut is null ? null : "You are signed out.", Error: null), StatusCodes.Status200OK);
    }

    public static async Task<IResult> SignIn(HttpContext http, AllianceDbContext db)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = DashboardPage.SafeReturn(form["returnUrl"]);
        var presented = form["key"].ToString().Trim();
        var key = presented.Length == 0 ? null : await ApiKeyLookup.FindAsync(db, presented, http.RequestAborted);
        if (key is null || key.ClinicId is null || !key.Roles.Contains(Roles.Clinician))
        {
            if (key is not null)
            {
                await RecordSignInAsync(db, key, StatusCodes.Status403Forbidden);
            }

            var refused = new LoginModel(returnUrl, Notice: null, "That key was not recognised, has been revoked, or is not a clinic's clinician key.");
            return LoginForm(http, refused, StatusCodes.Status401Unauthorized);
        }

        var principal = new ClaimsPrincipal(ApiKeyLookup.Identity(key, DashboardAuthentication.CookieScheme));
        await http.SignInAsync(DashboardAuthentication.CookieScheme, principal, new AuthenticationProperties { IsPersistent = false });
        await RecordSignInAsync(db, key, StatusCodes.Status200OK);
        return Results.Redirect(returnUrl);
    }

    public static async Task<IResult> SignOut(HttpContext http)
    {
        await http.SignOutAsync(DashboardAuthentication.CookieScheme);
        return Results.Redirect("/login?signedOut=1");
    }

    /// <summary>
    /// Sign-in has no caller before it succeeds, so it cannot use the groups' audit step; it records the attempt of a
    /// recognised key itself.
    /// </summary>
    private static async Task RecordSignInAsync(AllianceDbContext db, ApiKey key, int outcome)
    {
        db.AuditLog.Add(new AuditEntry { ApiKeyId = key.Id, ClinicId = key.ClinicId, Action = "dashboard.sign_in", Outcome = outcome });
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static RazorComponentResult<LoginPage> LoginForm(HttpContext http, LoginModel model, int status) =>
        DashboardPage.Render<LoginPage, LoginModel>(http, DashboardPage.Frame(http, "Sign in", DashboardSection.SignIn), model, status);
}
