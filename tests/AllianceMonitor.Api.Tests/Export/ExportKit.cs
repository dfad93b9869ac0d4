using System.Globalization;
using System.Net.Http.Json;
using AllianceMonitor.Api.Tests.Infrastructure;
using CsvHelper;

namespace AllianceMonitor.Api.Tests.Export;

/// <summary>A parsed CSV export: header names and rows of cells (empty string = missing).</summary>
public sealed record ExportTable(string[] Columns, List<string[]> Rows)
{
    /// <summary>Read with CsvHelper, so a quoted cell comes back as the value the export wrote.</summary>
    public static ExportTable Parse(string csv)
    {
        using var reader = CsvReader.Create(new StringReader(csv), CsvReaderOptions.Default with { HasHeader = false, MalformedData = CsvMalformedDataHandling.Throw });
        var records = new List<string[]>();
        while (reader.Read())
        {
            records.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? string.Empty).ToArray());
        }

        return new ExportTable(records[0], records.Skip(1).ToList());
    }

    public string Cell(string[] row, string column) => row[Array.IndexOf(Columns, column)];

    public double? Number(string[] row, string column) =>
        Cell(row, column) is { Length: > 0 } text ? double.Parse(text, CultureInfo.InvariantCulture) : null;
}

/// <summary>One session as a test writes it.</summary>
public sealed record SeedSession(
    string Patient, int Number, int? WaiTotal, int? Phq, string Modality = "video", string? Date = "2026-01-05", string Therapist = "t-7", int? Gad = null);

public static class ExportKit
{
    public static async Task SeedAsync(ApiFactory factory, Tenant tenant, IEnumerable<SeedSession> sessions)
    {
        var client = factory.Client(tenant.Ingest);
        foreach (var s in sessions)
        {
            var measurements = new List<object>();
            if (s.WaiTotal is { } wai)
            {
                measurements.Add(new { instrument = "wai-sr", items = Ratings.WaiSr(wai) });
            }

            if (s.Phq is { } phq)
            {
                measurements.Add(new { instrument = "phq-9", items = Ratings.Phq9(phq) });
            }

            if (s.Gad is { } gad)
            {
                measurements.Add(new { instrument = "gad-7", items = Enumerable.Range(0, 7).Select(i => i < gad ? 1 : 0).ToArray() });
            }

            var body = new { occurredOn = s.Date, modality = s.Modality, therapistId = s.Therapist, measurements };
            (await client.PutAsJsonAsync($"/api/v1/patients/{s.Patient}/sessions/{s.Number}", body)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Four patients: a full series, one with a gap, one with a blank symptom cell, one with a single session.</summary>
    public static IReadOnlyList<SeedSession> SmallClinic() =>
    [
        new("p-a", 1, 48, 14, Date: "2026-01-05", Gad: 3), new("p-a", 2, 50, 13, Date: "2026-01-12"), new("p-a", 3, 41, 12, Date: "2026-01-19", Gad: 2),
        new("p-a", 4, 52, 10, Date: "2026-01-26"), new("p-a", 5, 55, 9, Date: "2026-02-02"),
        new("p-b", 1, 36, 20, "phone", "2026-03-01", "t-8"), new("p-b", 2, 40, 19, "phone", "2026-03-08", "t-8"),
        new("p-b", 4, 44, 15, "phone", "2026-03-22", "t-8"), new("p-b", 5, 45, 16, "phone", "2026-03-29", "t-8"),
        new("p-c", 1, 57, 8, "in_person", "2026-02-10"), new("p-c", 2, 58, null, "in_person", "2026-02-17"), new("p-c", 3, 59, 6, "in_person", "2026-02-24"),
        new("p-d", 1, 30, 22, Date: "2026-04-01"),
    ];

    /// <summary>A larger clinic where the symptoms follow the alliance, enough to fit the models.</summary>
    public static IReadOnlyList<SeedSession> FittableClinic(int patients, int seed)
    {
        var random = new Random(seed);
        var sessions = new List<SeedSession>();
        for (var p = 0; p < patients; p++)
        {
            var level = random.Next(38, 56);
            var phq = random.Next(10, 22);
            var count = random.Next(5, 9);
            for (var n = 1; n <= count; n++)
            {
                var wai = Math.Clamp(level + random.Next(-5, 6), 12, 60);
                sessions.Add(new SeedSession($"f-{p}", n, wai, Math.Clamp(phq, 0, 27), p % 3 == 0 ? "phone" : "video", null, $"t-{p % 4}"));
                phq = phq - 1 - ((wai - level) / 3) + random.Next(-2, 3);
            }
        }

        return sessions;
    }
}
