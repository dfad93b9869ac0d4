using System.Collections.Frozen;
using System.Text.Json;

namespace AllianceMonitor.Analysis;

/// <summary>
/// The one rule that turns a fixed vocabulary (an enum) into the snake_case strings the database stores and the API,
/// webhooks and exports serve: <c>LowAlliance</c> is <c>low_alliance</c>. The JSON converter applies the same policy,
/// so a value has one spelling everywhere and no string literal repeats it.
/// </summary>
public static class StoredNames
{
    public static JsonNamingPolicy Policy => JsonNamingPolicy.SnakeCaseLower;

    public static string StoredName<TEnum>(this TEnum value)
        where TEnum : struct, Enum =>
        Names<TEnum>.ByValue.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a member of {typeof(TEnum).Name}.");

    /// <summary>Every stored name of the vocabulary, in declaration order (the order error messages list them in).</summary>
    public static IReadOnlyList<string> All<TEnum>()
        where TEnum : struct, Enum => Names<TEnum>.InOrder;

    /// <summary>The stored name as words for people, capitalised: <c>low_alliance</c> reads "Low alliance".</summary>
    public static string Label<TEnum>(this TEnum value)
        where TEnum : struct, Enum
    {
        var words = value.StoredName().Replace('_', ' ');
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    public static bool TryParse<TEnum>(string? name, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        return name is not null && Names<TEnum>.ByName.TryGetValue(name, out value);
    }

    /// <summary>For values read back from storage, where the CHECK constraints admit only stored names.</summary>
    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value)
            ? value
            : throw new FormatException($"'{name}' is not a stored name of {typeof(TEnum).Name}.");

    private static class Names<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly IReadOnlyList<string> InOrder = Enum.GetValues<TEnum>().Select(v => Policy.ConvertName(v.ToString())).ToArray();
        public static readonly FrozenDictionary<TEnum, string> ByValue = Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => Policy.ConvertName(v.ToString()));
        public static readonly FrozenDictionary<string, TEnum> ByName = ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
