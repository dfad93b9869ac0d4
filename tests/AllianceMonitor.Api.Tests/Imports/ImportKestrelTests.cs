using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Imports;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Imports;

/// <summary>On real Kestrel, whose own body cap (30,000,000 bytes by default) the import's larger allowance must lift.</summary>
public sealed class ImportKestrelTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    [Fact]
    public async Task Kestrel_reads_a_body_past_its_default_cap_up_to_the_import_limit()
    {
        using var admin = Client(ApiFactory.AdminKey);
        var clinic = await (await admin.PostAsJsonAsync("/api/v1/clinics", new { name = "Kestrel import" })).Content.ReadFromJsonAsync<ClinicResponse>();
        var created = await admin.PostAsJsonAsync($"/api/v1/clinics/{clinic!.Id}/api-keys", new { name = "platform", roles = new[] { "ingest" } });
        using var ingest = Client((await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key);

        // 32 MiB of blank lines, then one session: past Kestrel's default, within the import's 64 MiB.
        var session = Encoding.UTF8.GetBytes(new SessionPut("p-1", 1, Ratings.Session(54)).Line() + "\n");
        var body = new byte[(32 * 1024 * 1024) + session.Length];
        body.AsSpan(0, 32 * 1024 * 1024).Fill((byte)'\n');
        session.CopyTo(body, 32 * 1024 * 1024);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(ImportEndpoints.NdjsonMediaType);

        var response = await ingest.PostAsync(ImportKit.Path, content);

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var summary = (await response.Content.ReadFromJsonAsync<SessionImportResponse>())!;
        Assert.Equal((1, 1, 0), (summary.Lines, summary.Created, summary.Rejected));
    }

    private HttpClient Client(string key)
    {
        // The upload's 32 million lines took 23 to 33 s on a loaded two-core machine (2026-12-03); the timeout only
        // bounds a failing test, so it leaves a slower CI machine room rather than failing it for its speed.
        var client = new HttpClient { BaseAddress = factory.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
