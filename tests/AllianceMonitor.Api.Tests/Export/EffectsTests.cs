using System.Globalization;
using System.Net.Http.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Inference;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

internal static class EffectsKit
{
    public static async Task<(EffectsResponse Effects, List<SessionObservation> Rows, Dictionary<SessionObservation, string?> Modality)> FetchAsync(
        ApiFactory factory, int patients, int seed)
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(patients, seed));
        var client = factory.Client(tenant.Researcher);

        var effects = (await client.GetFromJsonAsync<EffectsResponse>("/api/v1/analysis/effects"))!;
        var table = ExportTable.Parse(await client.GetStringAsync("/api/v1/export/sessions"));
        var rows = table.Rows.Select(r => (Observation: new SessionObservation(
            table.Cell(r, "patient_id"), table.Cell(r, "therapist_id"), int.Parse(table.Cell(r, "session"), CultureInfo.InvariantCulture),
            table.Number(r, "alliance"), table.Number(r, "symptoms")), Modality: table.Cell(r, "modality"))).ToList();
        return (effects, rows.Select(r => r.Observation).ToList(), rows.ToDictionary(r => r.Observation, r => (string?)r.Modality));
    }
}

public sealed class EffectsTests(LowAnalysisMinimumsApiFactory factory) : IClassFixture<LowAnalysisMinimumsApiFactory>
{
    [Fact]
    public async Task Modality_effects_contrasts_test_and_therapist_shares_equal_the_engine_on_the_exported_rows()
    {
        var (effects, rows, modality) = await EffectsKit.FetchAsync(factory, 30, seed: 4);
        var expected = ModalityModeration.Fit(rows, o => modality[o], ModelCatalog.AllianceToSymptoms, minPairsPerLevel: LowAnalysisMinimumsApiFactory.MinPairsPerModality);
        var share = TherapistShare.Estimate(rows, ShareMeasure.Alliance, LowAnalysisMinimumsApiFactory.MinTherapists);
        var symptoms = TherapistShare.Estimate(rows, ShareMeasure.Symptoms, LowAnalysisMinimumsApiFactory.MinTherapists);

        Assert.Empty(effects.Reasons);
        var m = effects.Modality!;
        Assert.Equal("video", m.Reference);
        Assert.Equal(["video", "phone"], m.Effects.Select(e => e.Modality));
        Assert.Equal(("REML", expected.Fit.Converged, expected.Fit.Singular, 10), (m.Method, m.Converged, m.Singular, m.MinPairsPerModality));
        foreach (var (actual, engine) in m.Effects.Zip(expected.Effects))
        {
            Assert.Equal(engine.Pairs, actual.Pairs);
            Assert.Equal(engine.Estimate, actual.Estimate, 1e-6);
            Assert.Equal(engine.CiLow, actual.CiLow, 1e-6);
            Assert.Equal(engine.CiHigh, actual.CiHigh, 1e-6);
            Assert.Equal(IntervalKind.Wald, actual.Interval);
        }

        var contrast = Assert.Single(m.Contrasts);
        var engineContrast = Assert.Single(expected.Contrasts);
        Assert.Equal(("phone", "video", MultiplicityAdjustment.Bonferroni, IntervalKind.Wald), (contrast.Modality, contrast.Versus, contrast.Adjustment, contrast.Interval));
        Assert.Equal(engineContrast.Estimate, contrast.Estimate, 1e-6);
        Assert.Equal(engineContrast.AdjustedPValue, contrast.AdjustedPValue, 1e-6);
        Assert.Equal(engineContrast.CiLow, contrast.CiLow, 1e-6);
        var test = m.OverallTest!;
        Assert.Equal(1, test.Df);
        Assert.Equal(expected.OverallTest!.ChiSquareStatistic, test.ChiSquare, 1e-6);
        Assert.Equal(expected.OverallTest.PValue, test.PValue, 1e-6);
        Assert.Equal(("ML", "ML"), (test.Full.Method, test.Reduced.Method));
        Assert.Equal(expected.OverallTest.Full.Singular, test.Full.Singular);
        Assert.True(test.Full.Converged && test.Reduced.Converged);

        Assert.Equal(3, effects.Therapists.MinTherapists);
        foreach (var (actual, engine) in new[] { (effects.Therapists.Alliance!, share), (effects.Therapists.Symptoms!, symptoms) })
        {
            Assert.Equal(4, actual.Therapists);
            Assert.Equal(engine.Formula, actual.Formula);
            Assert.Equal(("ML", IntervalKind.Profile), (actual.Method, actual.Interval));
            Assert.Equal(engine.Summary.TherapistShare, actual.TherapistShare, 1e-6);
            Assert.Equal(engine.ShareInterval.Low, actual.CiLow, 1e-6);
            Assert.Equal(engine.ShareInterval.High, actual.CiHigh, 1e-6);
            Assert.Equal(engine.TherapistSdInterval.High, actual.TherapistSdCiHigh, 1e-6);
            Assert.InRange(actual.TherapistShare, actual.CiLow, actual.CiHigh);
        }
    }
}

public sealed class EffectsDefaultsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task By_default_a_modality_under_50_pairs_and_shares_from_under_10_therapists_are_left_out_with_reasons()
    {
        var (effects, rows, modality) = await EffectsKit.FetchAsync(factory, 20, seed: 4);
        var phonePairs = LaggedDesign.CountModerated(rows, ModelCatalog.AllianceToSymptoms, o => modality[o])["phone"];
        Assert.True(phonePairs < 50, $"the seeded clinic has {phonePairs} phone pairs");

        var m = effects.Modality!;
        Assert.Equal(50, m.MinPairsPerModality);
        Assert.Equal("video", Assert.Single(m.Effects).Modality);
        var dropped = Assert.Single(m.Suppressed);
        Assert.Equal(("phone", phonePairs), (dropped.Modality, dropped.Pairs));
        Assert.Contains("fewer than the minimum of 50", dropped.Reason, StringComparison.Ordinal);
        Assert.Empty(m.Contrasts);
        Assert.Null(m.OverallTest);

        Assert.Equal(10, effects.Therapists.MinTherapists);
        Assert.Null(effects.Therapists.Alliance);
        Assert.Null(effects.Therapists.Symptoms);
        Assert.Equal(2, effects.Reasons.Count);
        Assert.All(effects.Reasons, r => Assert.Contains("at least 10 therapists; found", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Too_little_data_gives_nulls_with_reasons()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, [new SeedSession("x", 1, 40, 10), new SeedSession("x", 2, 44, 9)]);

        var effects = (await factory.Client(tenant.Researcher).GetFromJsonAsync<EffectsResponse>("/api/v1/analysis/effects"))!;

        Assert.Null(effects.Modality);
        Assert.Null(effects.Therapists.Alliance);
        Assert.Null(effects.Therapists.Symptoms);
        Assert.Equal(3, effects.Reasons.Count);
    }
}
