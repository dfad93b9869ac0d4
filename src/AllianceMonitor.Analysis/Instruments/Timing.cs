using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Instruments;

/// <summary>When in the session a form was given. Stored and served as <c>pre</c>, <c>post</c>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<Timing>))]
public enum Timing
{
    Pre,
    Post,
}
