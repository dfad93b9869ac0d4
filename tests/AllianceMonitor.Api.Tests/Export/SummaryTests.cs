using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Api.Tests.Export;

public sealed class SummaryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("")]
    [InlineData("?modality=video&minSessions=6")]
    public async Task The_summary_equals_analyze_on_the_exported_csv(string query)
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(24, seed: 7));
        var client = factory.Client(tenant.Researcher);

        var summary = await client.GetStringAsync("/api/v1/analysis/summary" + query);
        var csv = await client.GetStringAsync("/api/v1/export/sessions" + query);

        // The CLI's own code path: its CSV reader, then the report builder it calls.
        // The summary carries both estimators, and the effects as `analyze --effects` with the default minimums prints them,
        // and the therapist level as `analyze --therapist-level` prints it (here below the minimum of therapists: a reason).
        var file = CsvObservationReader.ReadWithModality(new StringReader(csv), "export.csv");
        var effects = new EffectsRequest(o => file.Modality![o], new EffectsSettings());
        // The export has client ratings only, so the agreement block is the library's answer to data without therapist ratings.
        var analyze = AnalysisReportBuilder.ToJson(AnalysisReportBuilder.Build(
            file.Observations, FitMethod.Reml, ModelCatalog.All, AnalysisReportBuilder.BothEstimators, effects: effects) with
            {
                TherapistLevel = TherapistLevelReportBuilder.Build(file.Observations, FitMethod.Reml, ModelCatalog.All, new EffectsSettings().MinTherapists),
                Agreement = AgreementReportBuilder.Build(file.Observations, FitMethod.Reml),
            });
        using var expected = JsonDocument.Parse(analyze);
        // The summary's rater_agreement block needs the therapist's ratings, which analyze's CSV input does not carry: it has its own tests (RaterAgreementSummaryTests).
        var withoutAgreement = System.Text.Json.Nodes.JsonNode.Parse(summary)!.AsObject();
        Assert.True(withoutAgreement.Remove("rater_agreement"));
        using var actual = JsonDocument.Parse(withoutAgreement.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        AssertSame(expected.RootElement, actual.RootElement, "$");
    }

    [Fact]
    public async Task The_summary_shows_both_estimators_side_by_side()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(24, seed: 7));

        using var summary = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/analysis/summary"));

        var models = summary.RootElement.GetProperty("models").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("estimator").GetString())).ToArray();
        Assert.Equal(
            [("alliance_to_symptoms", "person_mean_centred"), ("alliance_to_symptoms_initial_conditions", "initial_conditions"),
             ("symptoms_to_alliance", "person_mean_centred"), ("symptoms_to_alliance_initial_conditions", "initial_conditions")],
            models);
        var comparisons = summary.RootElement.GetProperty("comparisons").EnumerateArray().ToArray();
        Assert.Equal(4, comparisons.Length);
        var carry = comparisons.Single(c => c.GetProperty("model").GetString() == "alliance_to_symptoms" && c.GetProperty("quantity").GetString() == "carry_over");
        Assert.Equal("symptoms_within", carry.GetProperty("person_mean_centred").GetProperty("term").GetString());
        Assert.Equal("symptoms", carry.GetProperty("initial_conditions").GetProperty("term").GetString());
        var initial = summary.RootElement.GetProperty("models")[1].GetProperty("fixed_effects").EnumerateArray()
            .Single(f => f.GetProperty("term").GetString() == "symptoms");
        Assert.Equal(initial.GetProperty("estimate").GetDouble(), carry.GetProperty("initial_conditions").GetProperty("estimate").GetDouble());
        // The joint model sits beside them, its interval labelled as the cluster-robust one it is.
        Assert.Equal("symptoms_next:symptoms", carry.GetProperty("joint_initial_conditions").GetProperty("term").GetString());
        Assert.Equal("cluster_robust_wald", carry.GetProperty("joint_initial_conditions").GetProperty("interval").GetString());
        Assert.Equal("wald", carry.GetProperty("initial_conditions").GetProperty("interval").GetString());
        // The sentence is there exactly when the intervals do not overlap.
        foreach (var comparison in comparisons)
        {
            Assert.Equal(
                comparison.GetProperty("intervals_overlap").GetBoolean() ? JsonValueKind.Null : JsonValueKind.String,
                comparison.GetProperty("sentence").ValueKind);
        }
    }

    [Fact]
    public async Task The_summary_is_cached_until_the_data_change()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(12, seed: 3));
        var client = factory.Client(tenant.Researcher);

        var first = await client.GetStringAsync("/api/v1/analysis/summary");
        var again = await client.GetStringAsync("/api/v1/analysis/summary");
        await ExportKit.SeedAsync(factory, tenant, [new SeedSession("f-0", 20, 50, 5), new SeedSession("f-0", 21, 52, 4)]);
        var after = await client.GetStringAsync("/api/v1/analysis/summary");

        Assert.Equal(first, again); // fit_seconds included: the same fit, not a refit
        using var a = JsonDocument.Parse(first);
        using var b = JsonDocument.Parse(after);
        Assert.Equal(
            a.RootElement.GetProperty("models")[0].GetProperty("n_observations").GetInt32() + 1,
            b.RootElement.GetProperty("models")[0].GetProperty("n_observations").GetInt32());
    }

    [Fact]
    public async Task Too_little_data_is_a_422_problem_and_a_bad_filter_a_400()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, [new SeedSession("x", 1, 40, 10)]);
        var client = factory.Client(tenant.Researcher);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await client.GetAsync("/api/v1/analysis/summary")).StatusCode);
        var bad = await client.GetAsync("/api/v1/analysis/summary?minSessions=-1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("minSessions", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_summary_sees_only_the_callers_clinic()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await ExportKit.SeedAsync(factory, a, ExportKit.FittableClinic(12, seed: 5));
        await ExportKit.SeedAsync(factory, b, [new SeedSession("f-0", 1, 40, 10)]);

        Assert.Equal(HttpStatusCode.OK, (await factory.Client(a.Researcher).GetAsync("/api/v1/analysis/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await factory.Client(b.Researcher).GetAsync("/api/v1/analysis/summary")).StatusCode);
    }

    /// <summary>
    /// Same structure; numbers equal to 1e-6 relative, the joint model's to 1e-4 (patient order differs: pseudonyms vs
    /// internal ids); fit_seconds ignored.
    /// </summary>
    private static void AssertSame(JsonElement expected, JsonElement actual, string path)
    {
        Assert.Equal(expected.ValueKind, actual.ValueKind);
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(expected.EnumerateObject().Select(p => p.Name), actual.EnumerateObject().Select(p => p.Name));
                foreach (var property in expected.EnumerateObject())
                {
                    if (property.Name is not "fit_seconds" and not "iterations")
                    {
                        AssertSame(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
                    }
                }

                break;
            case JsonValueKind.Array:
                Assert.Equal(expected.GetArrayLength(), actual.GetArrayLength());
                for (var i = 0; i < expected.GetArrayLength(); i++)
                {
                    AssertSame(expected[i], actual[i], $"{path}[{i}]");
                }

                break;
            case JsonValueKind.Number:
                var (e, a) = (expected.GetDouble(), actual.GetDouble());
                // The joint model's outer search stops on a flat optimum in its scale (JointFitter: log scale to 1e-4), so
                // another patient order moves its numbers by up to about 1e-5 relative.
                var tolerance = path.Contains("joint_initial_conditions", StringComparison.Ordinal) ? 1e-4 : 1e-6;
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(1, Math.Abs(e)), $"{path}: {e} vs {a}");
                break;
            default:
                Assert.Equal(expected.GetRawText(), actual.GetRawText());
                break;
        }
    }
}
