using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Tests.Imports;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static AllianceMonitor.Api.Tests.Forms.FormKit;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>
/// The per-patient packs of ratings in force that the database's triggers keep and the refit reads (issue 15): whatever
/// path writes, corrects, withdraws or erases ratings, each pack must equal the patient's measurements in force.
/// </summary>
public sealed class RatingPackTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Each_pack_equals_its_patients_ratings_in_force_after_every_kind_of_write()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);

        // New sessions with client and therapist ratings, by PUT and by import.
        await Ratings.PutSeriesAsync(ingest, "p-put", 50, 44, 52);
        var withTherapist = new
        {
            measurements = new object[]
            {
                new { instrument = "wai-sr", items = Ratings.WaiSr(47) },
                new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(45) },
            },
        };
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-put/sessions/4", withTherapist)).EnsureSuccessStatusCode();
        var imported = Enumerable.Range(1, 4).Select(n => new SessionPut("p-import", n, Ratings.Session(40 + n, 10 + n))).ToList();
        await ImportKit.ImportAsync(ingest, ImportKit.File(imported));

        // A correction by PUT supersedes the WAI-SR, and one by import.
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-put/sessions/2", Ratings.Session(30, 20))).EnsureSuccessStatusCode();
        await ImportKit.ImportAsync(ingest, ImportKit.File([imported[1] with { Body = Ratings.Session(25, 22) }]));

        // A form the client fills on the phone, a second timing of session 3's WAI-SR.
        await UploadPackAsync(factory, tenant, "wai-sr");
        var link = await CreateAsync(ingest, "p-put", 3, new { instruments = new[] { new { instrument = "wai-sr", timing = "pre" } }, rater = "client" });
        Assert.Equal(HttpStatusCode.OK, (await FillAsync(FormBrowser(factory), PathOf(link), Ratings.WaiSr(48).Select(v => (double)v).ToArray())).StatusCode);

        // The same session again without its PHQ-9 withdraws it: the last write to the patient changes no rating but that one.
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-put/sessions/2", Ratings.Session(30))).EnsureSuccessStatusCode();

        // Sessions that arrive out of order: the later one is appended, the earlier one repacks the patient.
        await ImportKit.PutAllAsync(ingest, [new SessionPut("p-put", 6, Ratings.Session(46)), new SessionPut("p-put", 5, Ratings.Session(45, 7))]);

        // An erased patient leaves no pack.
        await Ratings.PutSeriesAsync(ingest, "p-erased", 50, 51);
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Client(tenant.ClinicAdmin).DeleteAsync("/api/v1/patients/p-erased")).StatusCode);

        var (packs, inForce) = await ReadAsync(tenant.ClinicId);
        Assert.Equal(["p-import", "p-put"], packs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["p-import", "p-put"], inForce.Keys.Order(StringComparer.Ordinal));
        foreach (var (patient, ratings) in inForce)
        {
            Assert.Equal(Sorted(ratings), Sorted(packs[patient]));
            Assert.Equal(packs[patient].Select(r => r.Session).Order(), packs[patient].Select(r => r.Session));
        }

        // The writes above reached every kind of change: a withdrawn measure, a superseded revision, a second timing.
        Assert.DoesNotContain(inForce["p-put"], r => r.Session == 2 && r.Instrument == "phq-9");
        Assert.Contains(inForce["p-put"], r => r is { Session: 2, Instrument: "wai-sr", Rater: Rater.Client, Total: 2.5 });
        Assert.Contains(inForce["p-put"], r => r is { Session: 3, Instrument: "wai-sr", Timing: Timing.Pre });
        Assert.Contains(inForce["p-import"], r => r is { Session: 2, Instrument: "phq-9", Total: 22 });
        Assert.Contains(inForce["p-put"], r => r.Rater == Rater.Therapist);
        Assert.Contains(inForce["p-put"], r => r is { Session: 5, Instrument: "phq-9" });
        Assert.Equal(6, (await LastSessionsAsync(tenant.ClinicId))["p-put"]);
    }

    [Fact]
    public async Task A_patient_whose_every_rating_is_withdrawn_keeps_an_empty_pack()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Ratings.Phq9Session(12))).EnsureSuccessStatusCode();
        (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", new { measurements = Array.Empty<object>() })).EnsureSuccessStatusCode();

        var (packs, inForce) = await ReadAsync(tenant.ClinicId);
        Assert.Empty(Assert.Single(packs).Value);
        Assert.Empty(inForce);
        Assert.Equal(0, (await LastSessionsAsync(tenant.ClinicId))["p-1"]);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 1 })]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x61 })]
    public void A_pack_cut_inside_an_entry_is_refused(byte[] pack) =>
        Assert.Throws<InvalidDataException>(() => RatingPack.Decode(pack));

    private static List<PackedRating> Sorted(IEnumerable<PackedRating> ratings) =>
        [.. ratings.OrderBy(r => r.Session).ThenBy(r => r.Instrument, StringComparer.Ordinal).ThenBy(r => r.Rater).ThenBy(r => r.Timing)];

    /// <summary>Each patient's last packed session, which decides whether a write appends to the pack or repacks it.</summary>
    private async Task<Dictionary<string, int>> LastSessionsAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        return await db.PatientRatingPacks
            .Join(db.Patients.Where(p => p.ClinicId == clinicId), k => k.PatientId, p => p.Id, (k, p) => new { p.ExternalId, k.LastSession })
            .ToDictionaryAsync(k => k.ExternalId, k => k.LastSession);
    }

    /// <summary>Each patient's decoded pack, and each patient's measurements in force read from the table itself.</summary>
    private async Task<(Dictionary<string, List<PackedRating>> Packs, Dictionary<string, List<PackedRating>> InForce)> ReadAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var packs = await db.PatientRatingPacks
            .Join(db.Patients.Where(p => p.ClinicId == clinicId), k => k.PatientId, p => p.Id, (k, p) => new { p.ExternalId, k.Ratings })
            .ToDictionaryAsync(k => k.ExternalId, k => RatingPack.Decode(k.Ratings));
        var rows = await db.Measurements.Where(m => m.SupersededAt == null)
            .Join(db.Patients.Where(p => p.ClinicId == clinicId), m => m.PatientId, p => p.Id, (m, p) => new { p.ExternalId, m.SessionNumber, m.Instrument, m.Rater, m.Timing, m.Total })
            .ToListAsync();
        var inForce = rows.GroupBy(r => r.ExternalId).ToDictionary(
            g => g.Key, g => g.Select(r => new PackedRating(r.SessionNumber, r.Instrument, r.Rater, r.Timing, r.Total)).ToList());
        return (packs, inForce);
    }
}
