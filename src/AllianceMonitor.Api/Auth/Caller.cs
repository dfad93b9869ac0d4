using System.Security.Claims;

namespace AllianceMonitor.Api.Auth;

/// <summary>The authenticated key as the handlers need it: which key, which clinic, which roles.</summary>
public sealed record Caller(Guid KeyId, Guid? ClinicId, bool IsGlobalAdmin)
{
    public static Caller From(ClaimsPrincipal user)
    {
        var keyId = Guid.Parse(user.FindFirstValue(ClaimNames.KeyId) ?? throw new InvalidOperationException("Unauthenticated caller"));
        Guid? clinicId = user.FindFirstValue(ClaimNames.ClinicId) is { } value ? Guid.Parse(value) : null;
        return new Caller(keyId, clinicId, clinicId is null && user.IsInRole(Roles.Admin));
    }

    /// <summary>
    /// The clinic of a caller whose role only clinic keys can hold (ingest, clinician, researcher): keys without a
    /// clinic are global admin keys, and the role policies keep those out of the endpoints that call this.
    /// </summary>
    public static Guid ClinicOf(ClaimsPrincipal user) => From(user).ClinicId
        ?? throw new InvalidOperationException("A clinic-scoped endpoint was reached by a key without a clinic.");

    /// <summary>A clinic key may act only on its own clinic; a global admin on any.</summary>
    public bool MayManage(Guid clinicId) => IsGlobalAdmin || ClinicId == clinicId;
}
