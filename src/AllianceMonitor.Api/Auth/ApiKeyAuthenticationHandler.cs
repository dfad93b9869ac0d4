using System.Security.Claims;
using System.Text.Encodings.Web;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>. Keys are found by their visible prefix and verified by
/// comparing hashes in constant time, so timing reveals nothing about the secret part.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AllianceDbContext db)
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

        var prefix = ApiKeySecrets.PrefixOf(presented);
        var candidates = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix && k.RevokedAt == null)
            .ToListAsync(Context.RequestAborted);

        // Compare against every candidate so the work done does not depend on which one matches.
        ApiKey? match = null;
        foreach (var candidate in candidates)
        {
            if (ApiKeySecrets.Matches(candidate.KeyHash, presented))
            {
                match = candidate;
            }
        }

        if (match is null)
        {
            return AuthenticateResult.Fail("Invalid API key.");
        }

        var claims = new List<Claim> { new(ClaimNames.KeyId, match.Id.ToString()) };
        if (match.ClinicId is { } clinicId)
        {
            claims.Add(new Claim(ClaimNames.ClinicId, clinicId.ToString()));
        }

        claims.AddRange(match.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
