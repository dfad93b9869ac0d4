using CsvHelper;

namespace AllianceMonitor.Analysis.Tests.Support;

/// <summary>Reads CSV in tests with CsvHelper, so quoted cells come back as written (never a split on commas).</summary>
public static class CsvText
{
    private static readonly CsvReaderOptions NoHeader = CsvReaderOptions.Default with { HasHeader = false, MalformedData = CsvMalformedDataHandling.Throw };

    /// <summary>Every record, the header included, as its cells.</summary>
    public static List<string[]> Records(string csv)
    {
        using var reader = CsvReader.Create(new StringReader(csv), NoHeader);
        var records = new List<string[]>();
        while (reader.Read())
        {
            records.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i) ?? string.Empty).ToArray());
        }

        return records;
    }

    public static List<string[]> FileRecords(string path) => Records(File.ReadAllText(path));
}
