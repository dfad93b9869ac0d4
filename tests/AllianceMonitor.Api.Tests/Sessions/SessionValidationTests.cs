using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Sessions;

/// <summary>Every kind of bad input answers problem+json naming the field and the rule, and writes nothing.</summary>
public sealed class SessionValidationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    public static TheoryData<string, string, string> BadBodies => new()
    {
        { """{"measurements":[{"instrument":"wai-sr","items":[4,4,5,4,4,5,4,4,5,4,4]}]}""", "measurements[0].items", "exactly 12 items" },
        { """{"measurements":[{"instrument":"phq-9","items":[0,1,2,3,4,0,0,0,0]}]}""", "measurements[0].items[4]", "integer from 0 to 3" },
        { """{"measurements":[{"instrument":"phq-9","items":[0,1,2.5,3,0,0,0,0,0]}]}""", "measurements[0].items[2]", "integer from 0 to 3" },
        { """{"measurements":[{"instrument":"srs","items":[9.55,8,9,7]}]}""", "measurements[0].items[0]", "at most one decimal" },
        { """{"measurements":[{"instrument":"bdi-ii","items":[1]}]}""", "measurements[0].instrument", "must be one of" },
        { """{"measurements":[{"instrument":"oq-45","items":[1,2,3],"total":50}]}""", "measurements[0].items", "licensed" },
        { """{"measurements":[{"instrument":"phq-9"}]}""", "measurements[0].items", "not prorated" },
        { """{"measurements":[{"instrument":"wai-sr","rater":"mother","items":[4,4,5,4,4,5,4,4,5,4,4,5]}]}""", "measurements[0].rater", "client, therapist, observer" },
        { """{"measurements":[{"instrument":"wai-sr","timing":"during","items":[4,4,5,4,4,5,4,4,5,4,4,5]}]}""", "measurements[0].timing", "pre, post" },
        { """{"modality":"telepathy","measurements":[]}""", "modality", "video, phone, in_person, chat, other" },
        { """{"therapistId":"Dr Jane Smith","measurements":[]}""", "therapistId", "1-64 characters" },
        { """{"occurredOn":"2090-01-01","measurements":[]}""", "occurredOn", "up to tomorrow" },
        { """{}""", "measurements", "required" },
        { """{"measurements":[{"instrument":"gad-7","items":[1,1,1,1,1,1,1]},{"instrument":"gad-7","items":[1,1,1,1,1,1,1]}]}""", "measurements[1]", "repeats" },
        { """{"measurements":[{"instrument":"wai-sr","items":"high"}]}""", "$.measurements[0].items", "must be a list (a JSON array) whose every item is a number" },
        { """{"measurements":[{"instrument":"wai-sr","items":[4,4,5,]}]}""", "$.measurements[0].items[3]", "" },
        { """{"measurements":[],"notes":"client seemed upset"}""", "$", "notes" },
        { """{"measurements":[""", "$.measurements", "" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_session_bodies_are_rejected_with_the_field_named(string json, string field, string rule)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Ingest).PutAsync("/api/v1/patients/p-1/sessions/1", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = await ErrorsAsync(response);
        var key = Assert.Single(errors.Keys, k => k.StartsWith(field, StringComparison.Ordinal));
        Assert.Contains(errors[key], message => message.Contains(rule, StringComparison.Ordinal) || key.Contains(rule, StringComparison.Ordinal));
        await AssertNothingStoredAsync(tenant);
    }

    [Theory]
    [InlineData("/api/v1/patients/p%20x/sessions/1", "patientId")]
    [InlineData("/api/v1/patients/alice@example.org/sessions/1", "patientId")]
    [InlineData("/api/v1/patients/p-1/sessions/0", "sessionNumber")]
    public async Task Bad_route_values_are_named(string url, string field)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync(url, Bodies.Session());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await ErrorsAsync(response)).Keys);
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task More_than_fifty_measurements_are_refused()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var many = Enumerable.Range(0, 51).Select(i => new { instrument = "gad-7", rater = i % 2 == 0 ? "client" : "therapist", items = new[] { 1, 1, 1, 1, 1, 1, 1 } });
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", new { measurements = many });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most 50", (await ErrorsAsync(response))["measurements"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversize_body_answers_413()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var padding = new string(' ', 70 * 1024);
        var response = await factory.Client(tenant.Ingest).PutAsync("/api/v1/patients/p-1/sessions/1", Json("{\"measurements\":[]" + padding + "}"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("65536", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(tenant);
    }

    [Fact]
    public async Task An_oversize_chunked_body_answers_413()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"measurements\":[]" + new string(' ', 70 * 1024) + "}")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/v1/patients/p-1/sessions/1") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await factory.Client(tenant.Ingest).SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task A_body_that_is_not_json_answers_415(string mediaType)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Ingest)
            .PutAsync("/api/v1/patients/p-1/sessions/1", new StringContent("{\"measurements\":[]}", Encoding.UTF8, mediaType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Content-Type", (await ErrorsAsync(response)).Keys);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    private async Task AssertNothingStoredAsync(Tenant tenant)
    {
        await using var db = factory.NewDbContext();
        Assert.False(await db.Patients.AnyAsync(p => p.ClinicId == tenant.ClinicId));
    }
}
