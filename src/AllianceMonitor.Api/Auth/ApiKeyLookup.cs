using System.Security.Claims;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Auth;

/// <summary>Finds the key a caller presents (bearer header or dashboard sign-in) and turns it into claims.</summary>
public static class ApiKeyLookup
{
    /// <returns>The key in force that matches, or null, read from the database (the bearer handler reads through
    /// <see cref="ApiKeyCache"/> instead).</returns>
    public static async Task<ApiKey?> FindAsync(AllianceDbContext db, string presented, CancellationToken cancellationToken)
    {
        if (presented.Length < ApiKeySecrets.MinimumLength)
        {
            return null;
        }

        return Match(await CandidatesAsync(db, ApiKeySecrets.PrefixOf(presented), cancellationToken), presented);
    }

    /// <summary>The keys in force with this visible prefix: almost always none or one.</summary>
    public static async Task<ApiKey[]> CandidatesAsync(AllianceDbContext db, string prefix, CancellationToken cancellationToken) =>
        await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == prefix && k.RevokedAt == null)
            .ToArrayAsync(cancellationToken);

    /// <returns>The candidate whose hash matches, or null. Compares against every candidate, in constant time each, so
    /// the work done reveals nothing about the secret part nor about which candidate matched.</returns>
    public static ApiKey? Match(IReadOnlyList<ApiKey> candidates, string presented)
    {
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
