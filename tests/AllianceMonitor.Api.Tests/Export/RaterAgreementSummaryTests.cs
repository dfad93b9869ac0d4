using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>The summary's agreement block: per-therapist agreement shrunk towards the clinic, checked against a hand computation.</summary>
public sealed class RaterAgreementSummaryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Each_therapists_mean_discrepancy_is_shrunk_as_computed_by_hand()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var clinic = ExportKit.FittableClinic(24, seed: 7);
        await ExportKit.SeedAsync(factory, tenant, clinic);
        // Therapist t-0: f-0 rates 6 item points (0.5 per item) under the client in sessions 1-5, f-4 12 points (1.0) in
        // sessions 1-2. Therapist t-1: f-1 rates as the client does in sessions 1-3. Patient means -0.5, -1.0 | 0.
        // Grand mean -0.5; MSW = 0.125; MSB = 0.375; n0 = 4/3; tau² = 0.1875; weights 0.75 (t-0) and 0.6 (t-1):
        // t-0 -0.5 + 0.75 x (-0.25) = -0.6875, t-1 -0.5 + 0.6 x 0.5 = -0.2.
        await AddTherapistAsync(tenant, clinic, "f-0", 5, -6);
        await AddTherapistAsync(tenant, clinic, "f-4", 2, -12);
        await AddTherapistAsync(tenant, clinic, "f-1", 3, 0);

        var summary = JsonNode.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"))!;

        var block = summary["rater_agreement"]!;
        Assert.Equal("wai-sr", (string?)block["instrument"]);
        var withinSd = (double)block["within_sd"]!;
        var all = block["clinic"]!;
        Assert.Equal((2, 3, 10), ((int)all["n_therapists"]!, (int)all["n_patients"]!, (int)all["n_pairs"]!));
        Assert.Equal(-0.5, (double)all["mean_discrepancy"]!, 9);
        Assert.Equal(0.1875, (double)all["discrepancy_between_variance"]!, 9);
        Assert.Equal(0.125, (double)all["discrepancy_within_variance"]!, 9);
        var therapists = all["therapists"]!.AsArray().ToDictionary(t => (int)t!["n_patients"]!);
        Assert.Equal(-0.6875, (double)therapists[2]!["mean_discrepancy"]!, 9);
        Assert.Equal(0.75, (double)therapists[2]!["discrepancy_weight"]!, 9);
        Assert.Equal(-0.6875 / withinSd, (double)therapists[2]!["mean_discrepancy_sds"]!, 9);
        Assert.Equal(-0.2, (double)therapists[1]!["mean_discrepancy"]!, 9);
        // f-0's five pairs move in lockstep (r = 1, kept finite on Fisher's z); the others have too few pairs for a correlation.
        Assert.Equal(1, (int)therapists[2]!["n_correlated_patients"]!);
        Assert.Equal(0, (int)therapists[1]!["n_correlated_patients"]!);
        Assert.Matches("^[0-9a-f]{32}$", (string?)therapists[1]!["therapist_id"]);
        Assert.DoesNotContain("t-0", all.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>Re-PUTs the patient's first sessions with the client's forms as seeded plus a therapist WAI-SR-T <paramref name="offset"/> item points off.</summary>
    private async Task AddTherapistAsync(Tenant tenant, IReadOnlyList<SeedSession> clinic, string patient, int sessions, int offset)
    {
        foreach (var s in clinic.Where(s => s.Patient == patient && s.Number <= sessions))
        {
            var body = new
            {
                occurredOn = s.Date, modality = s.Modality, therapistId = s.Therapist,
                measurements = new object[]
                {
                    new { instrument = "wai-sr", items = Ratings.WaiSr(s.WaiTotal!.Value) },
                    new { instrument = "phq-9", items = Ratings.Phq9(s.Phq!.Value) },
                    new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(s.WaiTotal!.Value + offset) },
                },
            };
            (await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{s.Number}", body)).EnsureSuccessStatusCode();
        }
    }
}
