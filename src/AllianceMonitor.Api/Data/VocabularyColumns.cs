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

    /// <summary>The CHECK constraint's condition: the column holds one of the enum's stored names (or NULL, where nullable).</summary>
    public static string OneOf<TEnum>(string column)
        where TEnum : struct, Enum =>
        $"{column} IN ({string.Join(", ", StoredNames.All<TEnum>().Select(n => $"'{n}'"))})";

    private static void Store<TEnum>(ModelConfigurationBuilder builder)
        where TEnum : struct, Enum =>
        builder.Properties<TEnum>().HaveConversion<StoredNameConverter<TEnum>>();

    private sealed class StoredNameConverter<TEnum>() : ValueConverter<TEnum, string>(
        value => value.StoredName(),
        name => StoredNames.Parse<TEnum>(name))
        where TEnum : struct, Enum;
}
