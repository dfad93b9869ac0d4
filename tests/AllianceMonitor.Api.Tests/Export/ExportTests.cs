using System.Net;
using System.Text.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Export;

public sealed class ExportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Sessions = "/api/v1/export/sessions";

    private async Task<(Tenant Tenant, ExportTable Table)> SmallExportAsync(string query = "")
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.SmallClinic());
        return (tenant, await ExportAsync(tenant, query));
    }

    private async Task<ExportTable> ExportAsync(Tenant tenant, string query = "")
    {
        var response = await factory.Client(tenant.Researcher).GetAsync(Sessions + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return ExportTable.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Within_and_between_columns_equal_the_engines_decomposition_of_the_same_rows()
    {
        var (_, table) = await SmallExportAsync();

        Assert.Equal(13, table.Rows.Count);
        Assert.Equal(Api.Export.Codebook.Columns.Select(c => c.Name), table.Columns);
        var observations = table.Rows.Select(r => new SessionObservation(
            table.Cell(r, "patient_id"), null, int.Parse(table.Cell(r, "session"), System.Globalization.CultureInfo.InvariantCulture),
            table.Number(r, "alliance"), table.Number(r, "symptoms"))).ToList();
        var byKey = observations.ToDictionary(o => (o.PatientId, o.Session));
        foreach (var (name, select) in new (string, Func<SessionObservation, double?>)[] { ("alliance", o => o.Alliance), ("symptoms", o => o.Symptoms) })
        {
            var engine = PersonMeanDecomposition.Of(observations, select);
            for (var i = 0; i < observations.Count; i++)
            {
                var (o, row) = (observations[i], table.Rows[i]);
                Close(engine.Within(o.PatientId, select(o)), table.Number(row, $"{name}_within"));
                Close(engine.Between(o.PatientId), table.Number(row, $"{name}_between"));
                Close(engine.PersonMeans.TryGetValue(o.PatientId, out var mean) ? mean : null, table.Number(row, $"{name}_person_mean"));
                var previous = byKey.TryGetValue((o.PatientId, o.Session - 1), out var p) ? select(p) : null;
                Close(previous, table.Number(row, $"{name}_lag1"));
                Close(engine.Within(o.PatientId, previous), table.Number(row, $"{name}_within_lag1"));
            }
        }

        // The chosen measures copy the instrument columns; the WAI-SR score is the item mean.
        Assert.All(table.Rows, r => Assert.Equal(table.Number(r, "wai_sr"), table.Number(r, "alliance")));
        Assert.All(table.Rows, r => Assert.Equal(table.Number(r, "phq_9"), table.Number(r, "symptoms")));
        Assert.Contains(table.Rows, r => table.Number(r, "wai_sr") == 48.0 / 12 && table.Cell(r, "session") == "1" && table.Number(r, "gad_7") == 3);

        // A gap is never bridged: session 4 of the patient without session 3 has no lag.
        var afterGap = table.Rows.Single(r => table.Cell(r, "modality") == "phone" && table.Cell(r, "session") == "4");
        Assert.Null(table.Number(afterGap, "alliance_lag1"));
        Assert.Equal("21", table.Cell(afterGap, "days_since_first"));
    }

    private static void Close(double? expected, double? actual)
    {
        Assert.Equal(expected is null, actual is null);
        if (expected is { } e)
        {
            Assert.Equal(e, actual!.Value, 1e-12);
        }
    }

    [Fact]
    public async Task Pseudonyms_differ_between_unlinkable_exports_and_agree_between_linkable_ones()
    {
        var (tenant, first) = await SmallExportAsync();
        var second = await ExportAsync(tenant, "?linkable=false");
        var linked1 = await ExportAsync(tenant, "?linkable=true");
        var linked2 = await ExportAsync(tenant, "?linkable=true&format=csv");

        static HashSet<string> Ids(ExportTable t) => t.Rows.SelectMany(r => new[] { t.Cell(r, "patient_id"), t.Cell(r, "therapist_id") }).ToHashSet();
        Assert.Empty(Ids(first).Intersect(Ids(second)));
        Assert.Empty(Ids(first).Intersect(Ids(linked1)));
        Assert.Equal(linked1.Rows.Select(r => string.Join(',', r)), linked2.Rows.Select(r => string.Join(',', r)));
        Assert.Equal(4, linked1.Rows.Select(r => linked1.Cell(r, "patient_id")).Distinct().Count());
        Assert.All(linked1.Rows, r => Assert.Matches("^[0-9a-f]{32}$", linked1.Cell(r, "patient_id")));
    }

    [Fact]
    public async Task No_calendar_date_or_raw_identifier_appears_in_any_format()
    {
        var (tenant, _) = await SmallExportAsync();
        await using var db = factory.NewDbContext();
        var internalIds = await db.Patients.Where(p => p.ClinicId == tenant.ClinicId).Select(p => p.Id).ToListAsync();
        var therapistIds = await db.Therapists.Where(t => t.ClinicId == tenant.ClinicId).Select(t => t.Id).ToListAsync();

        foreach (var query in new[] { "?format=csv", "?format=jsonl", "?linkable=true" })
        {
            var text = await factory.Client(tenant.Researcher).GetStringAsync(Sessions + query);
            Assert.DoesNotMatch(@"20\d\d-\d\d-\d\d", text);
            Assert.DoesNotContain("2026", text);
            foreach (var raw in new[] { "p-a", "p-b", "p-c", "p-d", "t-7", "t-8" })
            {
                Assert.DoesNotContain(raw, text);
            }

            foreach (var id in internalIds.Concat(therapistIds))
            {
                Assert.DoesNotContain(id.ToString(), text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(id.ToString("N"), text, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task Json_lines_carry_the_same_rows_as_csv()
    {
        var (tenant, csv) = await SmallExportAsync("?linkable=true");
        var response = await factory.Client(tenant.Researcher).GetAsync(Sessions + "?format=jsonl&linkable=true");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(csv.Rows.Count, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            Assert.Equal(csv.Columns, json.RootElement.EnumerateObject().Select(p => p.Name));
            foreach (var column in csv.Columns)
            {
                var value = json.RootElement.GetProperty(column);
                var cell = csv.Cell(csv.Rows[i], column);
                Assert.Equal(cell, value.ValueKind == JsonValueKind.Null ? "" : value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText());
            }
        }
    }

    [Theory]
    [InlineData("?modality=phone", 4)]
    [InlineData("?modality=in_person", 3)]
    [InlineData("?from=2026-01-12&to=2026-02-17", 6)]
    [InlineData("?minSessions=4", 9)]
    [InlineData("?instrument=gad-7", 2)]
    [InlineData("?instrument=srs", 0)]
    public async Task Filters_select_the_rows(string query, int rows)
    {
        var (_, table) = await SmallExportAsync(query);
        Assert.Equal(rows, table.Rows.Count);
    }

    [Fact]
    public async Task Person_means_are_taken_over_the_exported_rows_and_days_over_all_sessions()
    {
        var (_, table) = await SmallExportAsync("?from=2026-01-19&to=2026-02-02");

        Assert.Equal(3, table.Rows.Count);
        Assert.All(table.Rows, r => Assert.Equal((41 + 52 + 55) / 36.0, table.Number(r, "alliance_person_mean")!.Value, 12));
        Assert.Equal(["14", "21", "28"], table.Rows.Select(r => table.Cell(r, "days_since_first")));
        Assert.Null(table.Number(table.Rows[0], "alliance_lag1"));
    }

    [Theory]
    [InlineData("?format=xml", "format")]
    [InlineData("?modality=car", "modality")]
    [InlineData("?minSessions=0", "minSessions")]
    [InlineData("?minSessions=many", "minSessions")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-02-01&to=2026-01-01", "to")]
    [InlineData("?instrument=beck", "instrument")]
    [InlineData("?alliance=phq-9", "alliance")]
    [InlineData("?symptoms=wai-sr", "symptoms")]
    [InlineData("?linkable=maybe", "linkable")]
    public async Task A_bad_parameter_is_a_400_problem_naming_it(string query, string field)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var response = await factory.Client(tenant.Researcher).GetAsync(Sessions + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_export_contains_only_the_callers_clinic()
    {
        var (a, _) = await SmallExportAsync();
        var b = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, b, [new SeedSession("p-a", 1, 40, 10)]);

        var table = await ExportAsync(b, "?linkable=true");
        Assert.Single(table.Rows);
        Assert.Equal(40 / 12.0, table.Number(table.Rows[0], "alliance")!.Value, 12);
        Assert.Equal(13, (await ExportAsync(a)).Rows.Count);
    }

    [Fact]
    public async Task Every_export_is_logged_with_caller_filters_and_row_count()
    {
        var (tenant, table) = await SmallExportAsync("?modality=phone&minSessions=2");

        await using var db = factory.NewDbContext();
        var record = await db.ExportLog.SingleAsync(e => e.ClinicId == tenant.ClinicId);
        var researcherKeys = await db.ApiKeys.Where(k => k.ClinicId == tenant.ClinicId && k.Roles.Contains("researcher")).Select(k => k.Id).ToListAsync();
        Assert.Equal(ExportStatus.Completed, record.Status);
        Assert.Equal(table.Rows.Count, record.RowCount);
        Assert.Contains(record.ApiKeyId, researcherKeys);
        Assert.Equal("csv", record.Format);
        Assert.False(record.Linkable);
        Assert.NotNull(record.CompletedAt);
        using var filters = JsonDocument.Parse(record.Filters);
        Assert.Equal("phone", filters.RootElement.GetProperty("modality").GetString());
        Assert.Equal(2, filters.RootElement.GetProperty("minSessions").GetInt32());
        Assert.Single(await db.AuditLog.Where(e => e.ClinicId == tenant.ClinicId && e.Action == "export.sessions" && e.Outcome == 200).ToListAsync());
    }

    [Fact]
    public async Task The_codebook_lists_every_column_in_json_and_markdown()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var client = factory.Client(tenant.Researcher);
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/v1/export/codebook"));
        var markdown = await client.GetStringAsync("/api/v1/export/codebook?format=markdown");
        var exported = ExportTable.Parse(await client.GetStringAsync(Sessions)).Columns;

        Assert.Equal(exported, json.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.All(json.RootElement.EnumerateArray(), c => Assert.False(string.IsNullOrWhiteSpace(c.GetProperty("derivation").GetString())));
        Assert.All(exported, c => Assert.Contains($"| `{c}` |", markdown));
    }

    [Fact]
    public async Task The_codebook_says_which_estimator_uses_each_lagged_column()
    {
        var tenant = await Tenant.CreateAsync(factory);
        using var json = JsonDocument.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/codebook"));
        var derivation = json.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("derivation").GetString()!);

        Assert.EndsWith("The carry-over term of alliance_to_symptoms_initial_conditions (initial-conditions estimator).", derivation["symptoms_lag1"], StringComparison.Ordinal);
        Assert.EndsWith(
            "The carry-over term of alliance_to_symptoms (person-mean-centred estimator) and the within-effect term of symptoms_to_alliance in both estimators.",
            derivation["symptoms_within_lag1"], StringComparison.Ordinal);
        Assert.EndsWith("The carry-over term of symptoms_to_alliance_initial_conditions (initial-conditions estimator).", derivation["alliance_lag1"], StringComparison.Ordinal);
        Assert.EndsWith("The between term of alliance_to_symptoms in both estimators.", derivation["alliance_between"], StringComparison.Ordinal);
    }
}
