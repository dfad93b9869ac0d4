using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis;

/// <summary>
/// Serializes a vocabulary enum as its <see cref="StoredNames.StoredName{TEnum}"/>, wherever the type is serialized
/// (API, webhooks, clients of the API): put on the enum type itself. Numbers are refused, so only names travel.
/// </summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(StoredNames.Policy, allowIntegerValues: false)
    where TEnum : struct, Enum;
