using System.Security.Claims;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Auth;

/// <summary>Finds the key a caller presents (bearer header or dashboard sign-in) and turns it into claims.</summary>
public static class ApiKeyLookup
{
    /// <returns>The key in force that matches, or null. Keys are found by their visible prefix and verified by
    /// comparing hashes in constant time, so timing reveals nothing about the secret part.</returns>
    public static async Task<ApiKey?> FindAsync(AllianceDbContext db, string presented, CancellationToken cancellationToken)
    {
        if (presented.Length < ApiKeySecrets.MinimumLength)
        {
            return null;
        }

        var prefix = ApiKeySecrets.PrefixOf(presented);
        var candidates = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix && k.RevokedAt == null)
            .ToListAsync(cancellationToken);

        // Compare against every candidate so the work done does not depend on which one matches.
        ApiKey? match = null;
        foreach (var candidate in candidates)
        {
            if (ApiKeySecrets.Matches(candidate.KeyHash, presented))
            {
                match = candidate;
            }
        }

        return match;
    }

    /// <summary>The key id, clinic and roles as claims: never the key itself.</summary>
    public static ClaimsIdentity Identity(ApiKey key, string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimNames.KeyId, key.Id.ToString()) };
        if (key.ClinicId is { } clinicId)
        {
            claims.Add(new Claim(ClaimNames.ClinicId, clinicId.ToString()));
        }

        claims.AddRange(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsIdentity(claims, authenticationType, ClaimNames.KeyId, ClaimTypes.Role);
    }
}
