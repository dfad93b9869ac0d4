using System.Net.Http.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>The export's change-status columns: written by the database from the catalog, equal to the engine's classifier.</summary>
public sealed class ChangeStatusExportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    // PHQ-9 (6 or more is reliable, 10 or more a case) and GAD-7 (4, 8) across their boundaries; p-n's first session has no PHQ-9.
    private static readonly IReadOnlyList<SeedSession> Clinic =
    [
        new("p-r", 1, 48, 15, Date: "2026-01-05"), new("p-r", 2, 48, 9, Date: "2026-01-12"), new("p-r", 3, 48, 10, Date: "2026-01-19"),
        new("p-r", 4, 48, 21, Date: "2026-01-26"),
        new("p-i", 1, 48, 16, Gad: 3), new("p-i", 2, 48, 10, Gad: 7), new("p-i", 3, 48, 11, Gad: 6),
        new("p-n", 1, 48, null), new("p-n", 2, 48, 5), new("p-n", 3, 48, 11),
        new("p-o", 1, 48, 12),
    ];

    [Fact]
    public async Task Each_row_carries_the_classifiers_status_against_the_patients_first_rated_session()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, Clinic);
        var table = await ExportAsync(tenant);

        Assert.Equal(
            ["", "recovered", "no_reliable_change", "reliably_deteriorated", "", "reliably_improved", "no_reliable_change", "", "", "reliably_deteriorated", ""],
            SortedLike(table, "phq_9_change_status"));
        Assert.Equal(["", "", "", "", "", "reliably_deteriorated", "no_reliable_change", "", "", "", ""], SortedLike(table, "gad_7_change_status"));

        // The same rule as the engine's, row by row, for every measure with a column.
        foreach (var instrument in ExportSql.ChangeStatusInstruments)
        {
            var column = ExportSql.ChangeStatusColumn(instrument);
            var score = instrument.Code.Replace('-', '_');
            foreach (var patient in table.Rows.GroupBy(r => table.Cell(r, "patient_id")))
            {
                var rated = patient.Where(r => table.Number(r, score) is not null).ToList();
                foreach (var row in patient)
                {
                    var expected = rated.Count > 0 && table.Number(row, score) is { } value && row != rated[0]
                        ? ReliableChangeClassifier.Classify(instrument, new RatedSession(1, table.Number(rated[0], score)!.Value), new RatedSession(2, value))!.Status.StoredName()
                        : "";
                    Assert.Equal(expected, table.Cell(row, column));
                }
            }
        }
    }

    [Fact]
    public async Task A_date_filter_keeps_the_first_rated_session_as_the_starting_point()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, Clinic);

        var table = await ExportAsync(tenant, "?from=2026-01-19&to=2026-01-26");

        Assert.Equal(["no_reliable_change", "reliably_deteriorated"], table.Rows.Select(r => table.Cell(r, "phq_9_change_status")));
    }

    [Fact]
    public async Task The_codebook_describes_each_status_column_with_its_values_and_sources()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var codebook = (await factory.Client(tenant.Researcher).GetFromJsonAsync<List<CodebookColumn>>("/api/v1/export/codebook"))!;

        foreach (var instrument in InstrumentCatalog.WithReliableChange)
        {
            var entry = Assert.Single(codebook, c => c.Name == ExportSql.ChangeStatusColumn(instrument));
            Assert.Equal("string", entry.Type);
            Assert.All(StoredNames.All<ChangeStatus>(), status => Assert.Contains(status, entry.Range, StringComparison.Ordinal));
            Assert.Contains(instrument.ReliableChangeSource!, entry.Derivation, StringComparison.Ordinal);
            Assert.Contains(instrument.ClinicalCutoffSource!, entry.Derivation, StringComparison.Ordinal);
        }
    }

    /// <summary>The column's cells in the seeding order of <see cref="Clinic"/> (the export orders patients by pseudonym).</summary>
    private static List<string> SortedLike(ExportTable table, string column)
    {
        var byPatient = table.Rows.GroupBy(r => table.Cell(r, "patient_id")).ToList();
        var order = Clinic.Select(s => s.Patient).Distinct().ToList();

        // Patients are told apart by their PHQ-9 series, which differ in this clinic.
        string Series(IEnumerable<string[]> rows) => string.Join(",", rows.Select(r => table.Cell(r, "phq_9")));
        var seeded = order.ToDictionary(p => p, p => string.Join(",", Clinic.Where(s => s.Patient == p).Select(s => s.Phq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")));
        return order.SelectMany(p => byPatient.Single(g => Series(g) == seeded[p])).Select(r => table.Cell(r, column)).ToList();
    }

    private async Task<ExportTable> ExportAsync(Tenant tenant, string query = "") =>
        ExportTable.Parse(await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/sessions" + query));
}
