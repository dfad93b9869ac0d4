using System.Net.Http.Json;
using System.Text.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>The summary's <c>agreement</c> block: therapist-rated sessions reach the agreement model; the other models stay client-only.</summary>
public sealed class AgreementSummaryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>A fittable clinic where the therapist rates every session but every fifth, a few points of the item sum lower.</summary>
    private static List<(SeedSession Session, int? TherapistWai)> RatedClinic(int patients, int seed)
    {
        var random = new Random(seed);
        return ExportKit.FittableClinic(patients, seed)
            .Select((s, i) => (s, i % 5 == 4 ? (int?)null : Math.Clamp(s.WaiTotal!.Value - random.Next(0, 7), 12, 60)))
            .ToList();
    }

    private static async Task SeedAsync(ApiFactory factory, Tenant tenant, IEnumerable<(SeedSession Session, int? TherapistWai)> sessions)
    {
        var client = factory.Client(tenant.Ingest);
        foreach (var (s, therapist) in sessions)
        {
            var measurements = new List<object>
            {
                new { instrument = "wai-sr", items = Ratings.WaiSr(s.WaiTotal!.Value) },
                new { instrument = "phq-9", items = Ratings.Phq9(s.Phq!.Value) },
            };
            if (therapist is { } wai)
            {
                measurements.Add(new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(wai) });
            }

            var body = new { occurredOn = s.Date, modality = s.Modality, therapistId = s.Therapist, measurements };
            (await client.PutAsJsonAsync($"/api/v1/patients/{s.Patient}/sessions/{s.Number}", body)).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task The_agreement_block_equals_the_library_fit_on_both_raters_and_leaves_the_other_models_client_only()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var clinic = RatedClinic(24, seed: 7);
        await SeedAsync(factory, tenant, clinic);

        using var summary = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"));

        // The same sessions as the engine reads them: item means on the 1-5 scale.
        var observations = clinic.Select(c => new SessionObservation(
            c.Session.Patient, c.Session.Therapist, c.Session.Number, c.Session.WaiTotal!.Value / 12.0, c.Session.Phq, c.TherapistWai / 12.0)).ToList();
        var expected = AgreementReportBuilder.Build(observations, FitMethod.Reml);
        Assert.NotNull(expected.Model);
        var agreement = summary.RootElement.GetProperty("agreement");
        Assert.Equal(JsonValueKind.Null, agreement.GetProperty("reason").ValueKind);
        Assert.Equal(expected.SessionsWithBothRatings, agreement.GetProperty("n_sessions_both_raters").GetInt32());
        var model = agreement.GetProperty("model");
        Assert.Equal(expected.Model.ObservationCount, model.GetProperty("n_observations").GetInt32());
        var effects = model.GetProperty("fixed_effects").EnumerateArray().ToArray();
        Assert.Equal(expected.Model.FixedEffects.Select(f => f.Term), effects.Select(e => e.GetProperty("term").GetString()));
        for (var i = 0; i < effects.Length; i++)
        {
            Close(expected.Model.FixedEffects[i].Estimate, effects[i].GetProperty("estimate").GetDouble());
            Close(expected.Model.FixedEffects[i].StdError, effects[i].GetProperty("std_error").GetDouble());
        }

        var surface = agreement.GetProperty("surface").EnumerateArray().ToArray();
        Assert.Equal(["a1", "a2", "a3", "a4"], surface.Select(a => a.GetProperty("parameter").GetString()));
        for (var i = 0; i < surface.Length; i++)
        {
            Close(expected.Surface![i].Estimate, surface[i].GetProperty("estimate").GetDouble());
            Close(expected.Surface[i].StdError, surface[i].GetProperty("std_error").GetDouble());
        }

        // The lagged models read the client's ratings only, exactly as without therapist ratings.
        var clientOnly = AnalysisReportBuilder.Build(
            observations.Select(o => o with { TherapistAlliance = null }).ToList(), FitMethod.Reml, [ModelCatalog.AllianceToSymptoms], [Estimator.PersonMeanCentred]);
        var lagged = summary.RootElement.GetProperty("models")[0];
        Assert.Equal("alliance_to_symptoms", lagged.GetProperty("name").GetString());
        Close(clientOnly.Models[0].FixedEffects[1].Estimate, lagged.GetProperty("fixed_effects")[1].GetProperty("estimate").GetDouble());
    }

    [Fact]
    public async Task Too_few_sessions_with_both_raters_report_no_model_and_say_why()
    {
        var tenant = await Tenant.CreateAsync(factory);
        // Therapist ratings on the first two sessions of three patients only: 6 sessions, 6 pairs (1 to 2, 2 to 3).
        var clinic = ExportKit.FittableClinic(24, seed: 7)
            .Select(s => (s, s.Number <= 2 && s.Patient is "f-0" or "f-1" or "f-2" ? s.WaiTotal : null))
            .ToList();
        await SeedAsync(factory, tenant, clinic);

        using var summary = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"));

        var agreement = summary.RootElement.GetProperty("agreement");
        Assert.Equal(JsonValueKind.Null, agreement.GetProperty("model").ValueKind);
        Assert.Equal(JsonValueKind.Null, agreement.GetProperty("surface").ValueKind);
        Assert.Equal(6, agreement.GetProperty("n_sessions_both_raters").GetInt32());
        Assert.Equal(
            "6 sessions have both a client and a therapist rating of the alliance: 6 complete lag pairs have both a client and a therapist rating at session t, "
            + "from 3 patients; the agreement model needs at least 50 such pairs from at least 3 patients.",
            agreement.GetProperty("reason").GetString());
        // The other models are still reported.
        Assert.Equal(4, summary.RootElement.GetProperty("models").GetArrayLength());
    }

    [Fact]
    public async Task Without_therapist_ratings_the_reason_says_there_are_none()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(12, seed: 5));

        using var summary = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"));

        var agreement = summary.RootElement.GetProperty("agreement");
        Assert.Equal(0, agreement.GetProperty("n_sessions_both_raters").GetInt32());
        Assert.Contains("No session has both a client and a therapist rating", agreement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{expected} vs {actual}");
}
