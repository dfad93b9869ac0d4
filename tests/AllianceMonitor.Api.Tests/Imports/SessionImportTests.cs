using System.Net;
using System.Net.Http.Json;
using System.Text;
using AllianceMonitor.Api.Imports;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Imports;

public sealed class SessionImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly SessionPut Good1 = new("p-1", 1, Ratings.Session(54));
    private static readonly SessionPut Good2 = new("p-2", 1, Ratings.Session(50, 8));

    /// <summary>A body the validator refuses on several fields, sent as a line and as a PUT to compare their errors.</summary>
    private static readonly object Invalid = new
    {
        modality = "fax",
        occurredOn = "1980-01-01",
        measurements = new object[] { new { instrument = "wai-sr", items = new[] { 9 } }, new { instrument = "nope" } },
    };

    [Fact]
    public async Task Bad_lines_are_rejected_with_their_numbers_and_the_puts_errors_and_the_rest_is_stored()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var file = string.Join("\n",
            "\uFEFF" + Good1.Line(),                                                        // 1: after a byte order mark
            """{"patientId":"p-3","sessionNumber":1,"measurements":[""",                    // 2: not JSON
            new SessionPut("p-4", 2, Invalid).Line(),                                       // 3: invalid
            "",                                                                             // 4: blank, skipped
            """{"patientId":"p-5","sessionNumber":1,"occurredOn":"yesterday","measurements":[]}""", // 5: a value of the wrong kind
            """{"patientId":"p-6","sessionNumber":1,"score":3,"measurements":[]}""",       // 6: an unknown field
            """{"patientId":"p 7","sessionNumber":0,"measurements":[]}""",                  // 7: bad route values
            """{"patientId":"p-8","sessionNumber":1,"measurements":[]} {}""",               // 8: two values
            "\t ",                                                                          // 9: blank
            Good2.Line() + "\r");                                                           // 10: CRLF, no final newline

        var summary = await ImportKit.ImportAsync(ingest, file);

        Assert.Equal((8, 2, 0, 0, 6, false), (summary.Lines, summary.Created, summary.Updated, summary.Unchanged, summary.Rejected, summary.RejectedLinesTruncated));
        Assert.Equal([2, 3, 5, 6, 7, 8], summary.RejectedLines.Select(r => r.Line));
        var errors = summary.RejectedLines.ToDictionary(r => r.Line, r => r.Errors);

        // The same body as a PUT: the same fields and the same rules.
        var put = await ingest.PutAsJsonAsync("/api/v1/patients/p-4/sessions/2", Invalid);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var putErrors = (await put.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors;
        Assert.Equal(Flatten(putErrors), Flatten(errors[3]));
        Assert.Contains("modality", errors[3].Keys);
        Assert.Contains("measurements[1].instrument", errors[3].Keys);

        var wrongKind = await ingest.PutAsync("/api/v1/patients/p-5/sessions/1",
            new StringContent("""{"occurredOn":"yesterday","measurements":[]}""", Encoding.UTF8, "application/json"));
        Assert.Equal(Flatten((await wrongKind.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!.Errors), Flatten(errors[5]));
        Assert.Equal(["$.occurredOn"], errors[5].Keys);

        Assert.StartsWith("is not valid JSON here", Assert.Single(errors[2]).Value.Single(), StringComparison.Ordinal);
        Assert.Equal("$.score", Assert.Single(errors[6]).Key);
        Assert.Contains("patientId, sessionNumber, occurredOn", errors[6]["$.score"].Single(), StringComparison.Ordinal);
        Assert.Equal(["patientId", "sessionNumber"], errors[7].Keys.Order());
        Assert.Equal("$", Assert.Single(errors[8]).Key);

        await using var db = factory.NewDbContext();
        var stored = await db.Sessions.Where(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == tenant.ClinicId))
            .Select(s => db.Patients.Single(p => p.Id == s.PatientId).ExternalId).OrderBy(p => p).ToListAsync();
        Assert.Equal(["p-1", "p-2"], stored);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_rejected_without_being_buffered_and_the_next_line_is_read()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var huge = """{"patientId":"p-1","sessionNumber":1,"modality":""" + "\"" + new string('x', (int)SessionImport.MaxLineBytes) + "\"}";

        var summary = await ImportKit.ImportAsync(factory.Client(tenant.Ingest), huge + "\n" + Good2.Line() + "\n");

        Assert.Equal((2, 1, 1), (summary.Lines, summary.Created, summary.Rejected));
        var rejected = Assert.Single(summary.RejectedLines);
        Assert.Equal(1, rejected.Line);
        Assert.Equal($"must be at most {SessionImport.MaxLineBytes} bytes, the body limit of a session PUT", rejected.Errors["line"].Single());
    }

    [Fact]
    public async Task The_rejected_list_is_capped_and_says_so_while_the_count_covers_every_line()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var bad = Enumerable.Range(0, SessionImport.MaxListedRejections + 20).Select(_ => "{}");

        var summary = await ImportKit.ImportAsync(factory.Client(tenant.Ingest), string.Join("\n", bad.Append(Good1.Line())));

        Assert.Equal((SessionImport.MaxListedRejections + 21, 1, SessionImport.MaxListedRejections + 20, true),
            (summary.Lines, summary.Created, summary.Rejected, summary.RejectedLinesTruncated));
        Assert.Equal(Enumerable.Range(1, SessionImport.MaxListedRejections), summary.RejectedLines.Select(r => r.Line));
    }

    [Fact]
    public async Task Sending_the_same_file_again_stores_nothing_new_and_each_import_is_audited_once_without_scores()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await factory.Client(tenant.ClinicAdmin).PostAsJsonAsync("/api/v1/webhooks",
            new { url = "https://receiver.example.org/hook", events = new[] { "alert.created", "alert.updated" } });
        var ingest = factory.Client(tenant.Ingest);
        // Sessions stored before the file, one of which it corrects (a second revision that withdraws nothing).
        await ImportKit.PutAllAsync(ingest, [new SessionPut("dip", 1, Ratings.Session(50, 10)), new SessionPut("other", 1, Ratings.Session(40))]);
        // Each session once: a file that sends one session twice replays as its PUTs would, the earlier line undoing
        // the later one's change and the later redoing it (see docs/api.md).
        var puts = new[] { 54, 54, 30, 30, 54 }.Select((t, i) => new SessionPut("dip", i + 1, Ratings.Session(t, 10)))
            .Append(new SessionPut("other", 1, Ratings.Phq9Session(5)))
            .Append(new SessionPut("low", 1, Ratings.Session(30)))
            .ToList();
        var file = ImportKit.File(puts);

        var first = await ImportKit.ImportAsync(ingest, file);
        var before = await CountsAsync(tenant.ClinicId);
        var replay = await ImportKit.ImportAsync(ingest, file);
        var after = await CountsAsync(tenant.ClinicId);

        Assert.Equal((7, 5, 2, 0, 0), (first.Lines, first.Created, first.Updated, first.Unchanged, first.Rejected));
        Assert.Equal((7, 0, 0, 7, 0), (replay.Lines, replay.Created, replay.Updated, replay.Unchanged, replay.Rejected));
        Assert.True(before.Alerts > 0 && before.Events > 0, $"the file raised {before.Alerts} alerts and {before.Events} events");
        Assert.Equal(before, after);

        await using var db = factory.NewDbContext();
        var audit = await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId && a.Action == "session.import").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([("session.import", 200, (string?)null), ("session.import", 200, null)], audit.Select(a => (a.Action, a.Outcome, a.PatientRef)));
        // The lines' own units of work record nothing: only the two PUTs made before the file are session.put entries.
        Assert.Equal(2, await db.AuditLog.CountAsync(a => a.ClinicId == tenant.ClinicId && a.Action == "session.put"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData(null)]
    public async Task A_body_that_is_not_ndjson_is_415_naming_the_media_type(string? mediaType)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var content = new StringContent(Good1.Line() + "\n", Encoding.UTF8);
        content.Headers.ContentType = mediaType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);

        var response = await factory.Client(tenant.Ingest).PostAsync(ImportKit.Path, content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Equal($"must be {ImportEndpoints.NdjsonMediaType}", problem.Errors["Content-Type"].Single());
        Assert.Equal(0, await SessionCountAsync(tenant.ClinicId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n")]
    public async Task An_empty_body_is_400(string body)
    {
        var tenant = await Tenant.CreateAsync(factory);

        var response = await factory.Client(tenant.Ingest).PostAsync(ImportKit.Path, ImportKit.Ndjson(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>())!;
        Assert.Equal("must hold at least one session: one JSON object per line", problem.Errors["body"].Single());
    }

    [Fact]
    public async Task A_body_over_the_import_limit_is_413_and_one_over_the_put_limit_is_not()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var client = factory.Client(tenant.Ingest);
        var lines = Enumerable.Range(1, 400).Select(n => new SessionPut($"p-{n}", 1, Ratings.Session(50)).Line());
        var body = string.Join("\n", lines);
        Assert.True(body.Length > 64 * 1024);

        var accepted = await ImportKit.ImportAsync(client, body);

        Assert.Equal(400, accepted.Created);
        var tooLarge = new ByteArrayContent([]);
        tooLarge.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ImportEndpoints.NdjsonMediaType);
        tooLarge.Headers.ContentLength = SessionImport.MaxBodyBytes + 1;
        var request = new HttpRequestMessage(HttpMethod.Post, ImportKit.Path) { Content = tooLarge };
        var refused = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Contains($"{SessionImport.MaxBodyBytes} bytes", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_ingest_role_may_import()
    {
        var tenant = await Tenant.CreateAsync(factory);
        foreach (var key in new[] { tenant.Clinician, tenant.Researcher, tenant.ClinicAdmin })
        {
            var response = await factory.Client(key).PostAsync(ImportKit.Path, ImportKit.Ndjson(Good1.Line()));
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.Equal(0, await SessionCountAsync(tenant.ClinicId));
    }

    private static List<string> Flatten(IEnumerable<KeyValuePair<string, string[]>> errors) =>
        [.. errors.SelectMany(e => e.Value.Select(v => $"{e.Key}: {v}")).Order(StringComparer.Ordinal)];

    private async Task<int> SessionCountAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        return await db.Sessions.CountAsync(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == clinicId));
    }

    private async Task<(int Measurements, int Alerts, int Events, DateTimeOffset LastSessionUpdate)> CountsAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var sessions = db.Sessions.Where(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == clinicId));
        return (await db.Measurements.CountAsync(m => sessions.Any(s => s.Id == m.SessionId)),
            await db.Alerts.CountAsync(a => a.ClinicId == clinicId),
            await db.OutboxEvents.CountAsync(e => e.ClinicId == clinicId),
            await sessions.MaxAsync(s => s.UpdatedAt));
    }
}
