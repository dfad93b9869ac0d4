using System.Security.Claims;
using System.Text.Encodings.Web;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>. Keys are found by their visible prefix and verified by
/// comparing hashes in constant time, so timing reveals nothing about the secret part. Lookups come from
/// <see cref="ApiKeyCache"/>, so a warm request authenticates without touching the database.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AllianceDbContext db,
    ApiKeyCache keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must use the Bearer scheme.");
        }

        var presented = header["Bearer ".Length..].Trim();
        if (presented.Length < ApiKeySecrets.MinimumLength)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        var match = await keys.FindAsync(db, presented, Context.RequestAborted);
        if (match is null)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        var identity = ApiKeyLookup.Identity(match, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A 401 that says what is missing, so an integrator can fix the request without reading our code.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        string? header = Request.Headers.Authorization;
        var detail = header switch
        {
            null or "" => "No API key was sent. Send it as the header Authorization: Bearer <key>.",
            _ when header.StartsWith("amk_", StringComparison.Ordinal) =>
                "The Authorization header holds the key without the scheme. Send Authorization: Bearer <key> (with the \"Bearer \" prefix).",
            _ when !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) =>
                "The Authorization header must use the Bearer scheme: Authorization: Bearer <key>.",
            _ => "The API key is not valid: it is unknown, revoked, or mistyped. Ask an administrator for a new key.",
        };
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, "An API key is required", detail);
    }
}
