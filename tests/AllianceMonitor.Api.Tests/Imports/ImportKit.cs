using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Imports;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Imports;

/// <summary>One session PUT: the route's patient and session, and the body.</summary>
public sealed record SessionPut(string Patient, int Session, object Body)
{
    /// <summary>The same PUT as one NDJSON line: the body with the route values as fields.</summary>
    public string Line()
    {
        var line = JsonSerializer.SerializeToNode(Body)!.AsObject();
        line["patientId"] = Patient;
        line["sessionNumber"] = Session;
        return line.ToJsonString();
    }
}

public static class ImportKit
{
    public const string Path = "/api/v1/imports/sessions";

    public static HttpContent Ndjson(string body) => new StringContent(body, Encoding.UTF8, ImportEndpoints.NdjsonMediaType);

    public static string File(IEnumerable<SessionPut> puts) => string.Concat(puts.Select(p => p.Line() + "\n"));

    public static async Task<SessionImportResponse> ImportAsync(HttpClient ingest, string body)
    {
        var response = await ingest.PostAsync(Path, Ndjson(body));
        Assert.True(response.IsSuccessStatusCode, $"import: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SessionImportResponse>())!;
    }

    public static async Task PutAllAsync(HttpClient ingest, IEnumerable<SessionPut> puts)
    {
        foreach (var put in puts)
        {
            var response = await ingest.PutAsJsonAsync($"/api/v1/patients/{put.Patient}/sessions/{put.Session}", put.Body);
            Assert.True(response.IsSuccessStatusCode, $"{put.Patient}/{put.Session}: {(int)response.StatusCode}");
        }
    }

    /// <summary>
    /// Everything a clinic's session writes leave behind, one line per row, without ids, timestamps or the clinic id:
    /// two clinics given the same sessions in the same order must give equal dumps.
    /// </summary>
    /// <summary>
    /// A clinic subscribed to alert events. The receiver does not resolve here: deliveries fail and are retried, the
    /// outbox rows are what the tests compare.
    /// </summary>
    public static async Task<Tenant> TenantWithWebhookAsync(ApiFactory factory)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var created = await factory.Client(tenant.ClinicAdmin).PostAsJsonAsync("/api/v1/webhooks",
            new { url = "https://receiver.example.org/hook", events = new[] { "alert.created", "alert.updated" } });
        created.EnsureSuccessStatusCode();
        return tenant;
    }

    public static async Task<ClinicDump> DumpAsync(ApiFactory factory, Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var patients = await db.Patients.AsNoTracking().Include(p => p.Therapist).Where(p => p.ClinicId == clinicId).ToListAsync();
        var names = patients.ToDictionary(p => p.Id, p => p.ExternalId);
        var sessions = await db.Sessions.AsNoTracking().Include(s => s.Therapist).Include(s => s.Measurements)
            .Where(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == clinicId)).ToListAsync();
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.ClinicId == clinicId).ToListAsync();
        var events = await db.OutboxEvents.AsNoTracking().Where(e => e.ClinicId == clinicId).ToListAsync();
        var packs = await db.PatientRatingPacks.AsNoTracking().Where(k => names.Keys.Contains(k.PatientId)).ToListAsync();

        return new ClinicDump(
            Sorted(patients.Select(p => $"{p.ExternalId} therapist={p.Therapist?.ExternalId}")),
            Sorted(sessions.Select(s => $"{names[s.PatientId]}/{s.Number} {s.OccurredOn} {s.Modality} therapist={s.Therapist?.ExternalId}")),
            Sorted(sessions.SelectMany(s => s.Measurements.Select(m =>
                $"{names[s.PatientId]}/{s.Number} {m.Instrument} {m.Rater.StoredName()} {m.Timing.StoredName()} r{m.Revision} " +
                $"items=[{string.Join(',', m.Items ?? [])}] total={m.Total} band={m.Band} " +
                $"subscales={string.Join(',', m.Subscales.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key}:{x.Value}"))} " +
                $"{(m.SupersededAt is null ? "in force" : "superseded")}"))),
            Sorted(alerts.Select(a =>
                $"{names[a.PatientId]} {a.Instrument} {a.Rater.StoredName()} {a.Kind.StoredName()} session={a.Session} {a.Status.StoredName()} " +
                $"{a.RuptureStatus?.StoredName()} at={a.StatusSession} severity={a.Severity} evidence={JsonSerializer.Serialize(a.Evidence)}")),
            // In the order they were written; events of one write share a time, so they are ordered by content within it.
            events.OrderBy(e => e.CreatedAt).ThenBy(e => e.Type, StringComparer.Ordinal).ThenBy(e => WithoutIdentity(e.Body), StringComparer.Ordinal)
                .Select(e => $"{e.Type} {WithoutIdentity(e.Body)}").ToList(),
            // Each patient's pack, what the refit reads, its entries sorted: a session's ratings are packed in the order
            // written, which a PUT and an import need not share; RatingPackTests checks the order of sessions.
            Sorted(packs.Select(k => $"{names[k.PatientId]} {string.Join(' ', RatingPack.Decode(k.Ratings)
                .OrderBy(r => r.Session).ThenBy(r => $"{r.Instrument} {r.Rater} {r.Timing}", StringComparer.Ordinal))}")));
    }

    private static List<string> Sorted(IEnumerable<string> rows) => [.. rows.Order(StringComparer.Ordinal)];

    /// <summary>An event body without what differs between clinics by construction: ids, times and links.</summary>
    private static string WithoutIdentity(string body)
    {
        var envelope = JsonNode.Parse(body)!.AsObject();
        foreach (var name in new[] { "id", "createdAt", "clinicId" })
        {
            Assert.True(envelope.Remove(name), $"the envelope has no {name}: {body}");
        }

        var data = envelope["data"]!.AsObject();
        foreach (var name in new[] { "alertId", "updatedAt", "href" })
        {
            Assert.True(data.Remove(name), $"the event data has no {name}: {body}");
        }

        return envelope.ToJsonString();
    }

    /// <summary>Runs <paramref name="test"/> while the database refuses the sessions of the clinic's patient "refused" (valid for the validator).</summary>
    public static async Task RefusingPatientRefusedAsync(ApiFactory factory, Guid clinicId, Func<Task> test)
    {
        await using (var db = factory.NewDbContext())
        {
            var create = $"""
                CREATE FUNCTION refuse_{clinicId:N}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM patients WHERE id = NEW.patient_id AND clinic_id = '{clinicId}' AND external_id = 'refused') THEN
                        RAISE EXCEPTION 'refused by the test';
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER refuse_{clinicId:N} BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_{clinicId:N}();
                """;
            await db.Database.ExecuteSqlRawAsync(create);
        }

        try
        {
            await test();
        }
        finally
        {
            await using var db = factory.NewDbContext();
            var drop = $"DROP TRIGGER refuse_{clinicId:N} ON sessions; DROP FUNCTION refuse_{clinicId:N}();";
            await db.Database.ExecuteSqlRawAsync(drop);
        }
    }
}

public sealed record ClinicDump(
    List<string> Patients,
    List<string> Sessions,
    List<string> Measurements,
    List<string> Alerts,
    List<string> Events,
    List<string> RatingPacks);
