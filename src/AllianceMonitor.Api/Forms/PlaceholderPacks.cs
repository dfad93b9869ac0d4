using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Forms;

/// <summary>
/// Stand-in wording for the licensed measures, for the demo clinic only: the quick start then shows a working WAI-SR,
/// WAI-SR-T and SRS form. The texts are deliberately not the questionnaires' items (which are copyrighted or
/// licensed) and every page showing them says so; a real clinic uploads the wording it holds a licence for.
/// </summary>
public static class PlaceholderPacks
{
    public static readonly IReadOnlyList<string> Instruments = ["wai-sr", "wai-sr-t", "srs"];

    /// <summary>Adds the placeholder packs the clinic does not have yet (English); its own packs are left alone.</summary>
    public static async Task AddMissingAsync(AllianceDbContext db, Guid clinicId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var present = await db.FormTextPacks.Where(p => p.ClinicId == clinicId && p.Language == ShippedWording.Language)
            .Select(p => p.Instrument).ToListAsync(cancellationToken);
        foreach (var code in Instruments.Except(present))
        {
            db.FormTextPacks.Add(new FormTextPack { ClinicId = clinicId, Instrument = code, Language = ShippedWording.Language, Wording = For(code), UpdatedAt = now });
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public static FormWording For(string code)
    {
        var instrument = InstrumentCatalog.Find(code)!;
        var scale = instrument.Subscales.SelectMany(s => s.Items.Select(i => (Item: i, s.Name))).ToDictionary(x => x.Item, x => x.Name);
        var items = Enumerable.Range(1, instrument.ItemCount)
            .Select(i => $"Placeholder statement {i}{(scale.TryGetValue(i, out var name) ? $" ({name})" : "")}: replace with your licensed wording")
            .ToArray();
        ResponseAnchor[] anchors = instrument.IntegerItems
            ? [.. Enumerable.Range((int)instrument.ItemMin, (int)(instrument.ItemMax - instrument.ItemMin) + 1).Select(v => new ResponseAnchor(v, $"Placeholder level {v}"))]
            : [new(instrument.ItemMin, "Placeholder: low"), new(instrument.ItemMax, "Placeholder: high")];
        return new FormWording($"{instrument.Name}: placeholder wording", "Demonstration only: these are not the questionnaire's items.", items, anchors, Placeholder: true);
    }
}
