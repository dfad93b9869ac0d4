using System.Globalization;
using System.Text.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>The summary's <c>therapist_level</c>: the library's nested fits and alliance split on the exported rows.</summary>
public sealed class SummaryTherapistLevelTests(LowAnalysisMinimumsApiFactory factory) : IClassFixture<LowAnalysisMinimumsApiFactory>
{
    [Fact]
    public async Task From_the_minimum_of_therapists_the_summary_reports_the_nested_models_and_the_alliance_split()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(24, seed: 7));
        var client = factory.Client(tenant.Researcher);

        using var summary = JsonDocument.Parse(await client.GetStringAsync("/api/v1/analysis/summary"));
        var table = ExportTable.Parse(await client.GetStringAsync("/api/v1/export/sessions"));
        var rows = table.Rows.Select(r => new SessionObservation(
            table.Cell(r, "patient_id"), table.Cell(r, "therapist_id"), int.Parse(table.Cell(r, "session"), CultureInfo.InvariantCulture),
            table.Number(r, "alliance"), table.Number(r, "symptoms"))).ToList();

        var block = summary.RootElement.GetProperty("therapist_level");
        Assert.Equal(LowAnalysisMinimumsApiFactory.MinTherapists, block.GetProperty("min_therapists").GetInt32());
        Assert.Equal(4, block.GetProperty("n_therapists").GetInt32());
        Assert.Empty(block.GetProperty("reasons").EnumerateArray());
        var models = block.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(["alliance_to_symptoms_nested", "symptoms_to_alliance_nested"], models.Select(m => m.GetProperty("name").GetString()));
        foreach (var (model, definition) in models.Zip(ModelCatalog.All))
        {
            var engine = NestedLaggedModels.Fit(rows, definition, FitMethod.Reml);
            Assert.Equal(engine.Formula, model.GetProperty("formula").GetString());
            AssertFixedEffects(engine.FixedEffects, model);
        }

        var split = block.GetProperty("alliance_split");
        var expected = AllianceSplit.Fit(rows, FitMethod.Reml);
        Assert.Equal(AllianceSplit.Formula, split.GetProperty("model").GetProperty("formula").GetString());
        foreach (var (name, part) in new[] { ("therapist_mean", expected.Therapist), ("patient_within_therapist", expected.Patient), ("session_within_patient", expected.Session), ("therapist_minus_patient", expected.TherapistMinusPatient) })
        {
            var actual = split.GetProperty(name);
            Assert.Equal(part.Estimate, actual.GetProperty("estimate").GetDouble(), 1e-6);
            Assert.Equal(part.CiLow, actual.GetProperty("ci_low").GetDouble(), 1e-6);
            Assert.Equal(part.CiHigh, actual.GetProperty("ci_high").GetDouble(), 1e-6);
            Assert.Equal("wald", actual.GetProperty("interval").GetString());
        }

        Assert.Equal(TherapistLevelReportBuilder.Sentence(expected), split.GetProperty("sentence").GetString());
    }

    private static void AssertFixedEffects(IReadOnlyList<FixedEffectReport> expected, JsonElement model)
    {
        var actual = model.GetProperty("fixed_effects").EnumerateArray().ToArray();
        Assert.Equal(expected.Select(f => f.Term), actual.Select(a => a.GetProperty("term").GetString()));
        foreach (var (e, a) in expected.Zip(actual))
        {
            Assert.Equal(e.Estimate, a.GetProperty("estimate").GetDouble(), 1e-6);
            Assert.Equal(e.StdError, a.GetProperty("std_error").GetDouble(), 1e-6);
        }
    }
}
