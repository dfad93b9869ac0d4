using System.Text.Json.Serialization;

namespace AllianceMonitor.Analysis.Instruments;

/// <summary>Who filled in a form. Stored and served as <c>client</c>, <c>therapist</c>, <c>observer</c>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<Rater>))]
public enum Rater
{
    /// <summary>The patient: the default, and the only rater the models and the export use.</summary>
    Client,
    Therapist,
    Observer,
}

/// <summary>When in the session a form was given. Stored and served as <c>pre</c>, <c>post</c>.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<Timing>))]
public enum Timing
{
    Pre,
    Post,
}
