using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// The clinic's research key: made on the first linkable export, replaced on rotation, and stored encrypted with the
/// data-protection key ring under a purpose of its own.
/// </summary>
public sealed class ResearchKeys(IDataProtectionProvider provider)
{
    public const string Purpose = "AllianceMonitor.Export.ResearchKey.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    /// <summary>
    /// A key as versions before encryption at rest stored it: exactly the raw key. A protected key is always longer
    /// (header, key id, IV and MAC come with it), so the length tells them apart.
    /// </summary>
    public static bool IsClear(byte[] stored) => stored.Length == Pseudonyms.KeyBytes;

    public byte[] Protect(byte[] key) => _protector.Protect(key);

    /// <summary>The clinic's key, created on first use; concurrent first uses agree on one key.</summary>
    public async Task<byte[]> GetOrCreateAsync(AllianceDbContext db, Guid clinicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var candidate = Protect(Pseudonyms.NewKey());
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO research_keys (clinic_id, protected_key, created_at) VALUES ({clinicId}, {candidate}, {now}) ON CONFLICT (clinic_id) DO NOTHING",
            cancellationToken);
        var stored = await db.ResearchKeys.AsNoTracking().Where(k => k.ClinicId == clinicId).Select(k => k.ProtectedKey).SingleAsync(cancellationToken);
        return _protector.Unprotect(stored);
    }

    /// <summary>Replaces the clinic's key (or makes its first one). Pseudonyms made with the old key can no longer be recomputed.</summary>
    public async Task RotateAsync(AllianceDbContext db, Guid clinicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var replacement = Protect(Pseudonyms.NewKey());
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO research_keys (clinic_id, protected_key, created_at) VALUES ({clinicId}, {replacement}, {now})
            ON CONFLICT (clinic_id) DO UPDATE SET protected_key = excluded.protected_key, created_at = excluded.created_at
            """,
            cancellationToken);
    }
}
