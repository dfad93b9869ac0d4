using System.Globalization;
using System.Net.Http.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

public sealed class EffectsTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Modality_effects_and_therapist_share_equal_the_engine_on_the_exported_rows()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(30, seed: 4));
        var client = factory.Client(tenant.Researcher);

        var effects = (await client.GetFromJsonAsync<EffectsResponse>("/api/v1/analysis/effects"))!;
        var table = ExportTable.Parse(await client.GetStringAsync("/api/v1/export/sessions"));
        var rows = table.Rows.Select(r => (Observation: new SessionObservation(
            table.Cell(r, "patient_id"), table.Cell(r, "therapist_id"), int.Parse(table.Cell(r, "session"), CultureInfo.InvariantCulture),
            table.Number(r, "alliance"), table.Number(r, "symptoms")), Modality: table.Cell(r, "modality"))).ToList();
        var modality = rows.ToDictionary(r => r.Observation, r => (string?)r.Modality);
        var expected = ModalityModeration.Fit(rows.Select(r => r.Observation).ToList(), o => modality[o], ModelCatalog.AllianceToSymptoms);
        var share = TherapistShare.Fit(rows.Select(r => r.Observation).ToList());

        Assert.Empty(effects.Reasons);
        Assert.Equal("video", effects.Modality!.Reference);
        Assert.Equal(["video", "phone"], effects.Modality.Effects.Select(e => e.Modality));
        foreach (var (actual, engine) in effects.Modality.Effects.Zip(expected.Effects))
        {
            Assert.Equal(engine.Pairs, actual.Pairs);
            Assert.Equal(engine.Estimate, actual.Estimate, 1e-6);
            Assert.Equal(engine.CiLow, actual.CiLow, 1e-6);
            Assert.Equal(engine.CiHigh, actual.CiHigh, 1e-6);
        }

        Assert.Equal(4, effects.Therapists!.Therapists);
        Assert.Equal(share.TherapistShare, effects.Therapists.TherapistShare, 1e-6);
    }

    [Fact]
    public async Task Too_little_data_gives_nulls_with_reasons()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, [new SeedSession("x", 1, 40, 10), new SeedSession("x", 2, 44, 9)]);

        var effects = (await factory.Client(tenant.Researcher).GetFromJsonAsync<EffectsResponse>("/api/v1/analysis/effects"))!;

        Assert.Null(effects.Modality);
        Assert.Null(effects.Therapists);
        Assert.Equal(2, effects.Reasons.Count);
    }
}
