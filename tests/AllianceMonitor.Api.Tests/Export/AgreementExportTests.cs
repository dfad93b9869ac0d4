using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>The export's therapist-rating and discrepancy columns beside the client's unchanged ones.</summary>
public sealed class AgreementExportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Each_session_carries_the_therapists_rating_and_the_discrepancy_in_points_and_within_sds()
    {
        var tenant = await Tenant.CreateAsync(factory);
        // Session 1: client 4.0, therapist WAI-SR-T 3.5. Session 2: the therapist also sent a WAI-SR; the WAI-SR-T (4.5)
        // stands opposite the client's 4.0. Session 3: only the client. Session 4: only the therapist's WAI-SR (3.0).
        await PutAsync(tenant, 1, Wai("wai-sr", 48), Wai("wai-sr-t", 42, "therapist"));
        await PutAsync(tenant, 2, Wai("wai-sr", 48), Wai("wai-sr-t", 54, "therapist"), Wai("wai-sr", 24, "therapist"));
        await PutAsync(tenant, 3, Wai("wai-sr", 48));
        await PutAsync(tenant, 4, Wai("wai-sr", 36, "therapist"));

        var table = await ExportAsync(tenant, "");

        Assert.Equal([4.0, 4.0, 4.0, null], table.Rows.Select(r => table.Number(r, "wai_sr")));
        Assert.Equal([3.5, 4.5, null, 3.0], table.Rows.Select(r => table.Number(r, "wai_sr_therapist")));
        Assert.Equal([3.5, 4.5, null, 3.0], table.Rows.Select(r => table.Number(r, "alliance_therapist")));
        Assert.Equal([-0.5, 0.5, null, null], table.Rows.Select(r => table.Number(r, "alliance_discrepancy")));
        // The clinic has no calibration yet: the WAI-SR's documented within-patient SD of 0.30 stands in.
        var sds = table.Rows.Select(r => table.Number(r, "alliance_discrepancy_sds")).ToList();
        Assert.Equal(-0.5 / 0.30, sds[0]!.Value, 12);
        Assert.Equal(0.5 / 0.30, sds[1]!.Value, 12);
        Assert.Equal([null, null], sds[2..]);
        // The client columns keep their meaning: no therapist rating leaks into them.
        Assert.All(table.Rows, r => Assert.Equal("", table.Cell(r, "wai_sr_t")));
        Assert.Equal([4.0, 4.0, 4.0, null], table.Rows.Select(r => table.Number(r, "alliance")));
    }

    [Fact]
    public async Task With_the_srs_chosen_the_alliance_columns_follow_the_srs_and_jsonl_says_the_same()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutAsync(tenant, 1, Srs(9, "client"), Srs(8, "therapist"), Wai("wai-sr-t", 42, "therapist"));

        var table = await ExportAsync(tenant, "?alliance=srs");
        var json = JsonNode.Parse((await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/sessions?alliance=srs&format=jsonl")).Trim())!;

        var row = Assert.Single(table.Rows);
        Assert.Equal((36.0, 32.0, 32.0, -4.0), (table.Number(row, "srs"), table.Number(row, "srs_therapist"), table.Number(row, "alliance_therapist"), table.Number(row, "alliance_discrepancy")));
        Assert.Equal(-4.0 / 2.5, table.Number(row, "alliance_discrepancy_sds")!.Value, 12);
        Assert.Equal(3.5, table.Number(row, "wai_sr_therapist"));
        Assert.Equal((-4.0, 3.5), ((double)json["alliance_discrepancy"]!, (double)json["wai_sr_therapist"]!));
    }

    [Fact]
    public async Task The_codebook_describes_every_new_column()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var codebook = JsonNode.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/codebook"))!.AsArray()
            .ToDictionary(c => (string)c!["name"]!, c => (string)c!["derivation"]!);

        foreach (var column in new[] { "wai_sr_therapist", "srs_therapist", "alliance_therapist", "alliance_discrepancy", "alliance_discrepancy_sds" })
        {
            Assert.False(string.IsNullOrWhiteSpace(codebook[column]), column);
        }

        Assert.Contains("unnoticed_drop", codebook["alert_kinds"], StringComparison.Ordinal);
        Assert.Contains("within-patient SD", codebook["alliance_discrepancy_sds"], StringComparison.Ordinal);
    }

    private static object Wai(string instrument, int total, string rater = "client") => new { instrument, rater, items = Ratings.WaiSr(total) };

    private static object Srs(double item, string rater) => new { instrument = "srs", rater, items = new[] { item, item, item, item } };

    private async Task PutAsync(Tenant tenant, int session, params object[] measurements)
    {
        var body = new { occurredOn = new DateOnly(2026, 11, 2).AddDays(7 * session).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), modality = "video", therapistId = "t-7", measurements };
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{session}", body);
        Assert.True(response.IsSuccessStatusCode, $"session {session}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<ExportTable> ExportAsync(Tenant tenant, string query) =>
        ExportTable.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/sessions" + query));
}
