using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Forms;

/// <summary>Finds the wording a form shows: the clinic's own text pack first, else the wording the service ships (free measures only).</summary>
public static class FormWordings
{
    public static async Task<Dictionary<string, FormWording>> LoadAsync(
        AllianceDbContext db, Guid clinicId, IEnumerable<string> instruments, string language, CancellationToken cancellationToken)
    {
        var codes = instruments.Distinct(StringComparer.Ordinal).ToList();
        var packs = await db.FormTextPacks.AsNoTracking()
            .Where(p => p.ClinicId == clinicId && p.Language == language && codes.Contains(p.Instrument))
            .ToDictionaryAsync(p => p.Instrument, p => p.Wording, StringComparer.Ordinal, cancellationToken);
        foreach (var code in codes.Where(c => !packs.ContainsKey(c)))
        {
            if (ShippedWording.Find(code, language) is { } shipped)
            {
                packs[code] = shipped;
            }
        }

        return packs;
    }
}
