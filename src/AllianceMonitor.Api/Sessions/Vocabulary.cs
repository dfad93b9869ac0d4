namespace AllianceMonitor.Api.Sessions;

/// <summary>The closed vocabularies of the session API.</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyList<string> Modalities = ["video", "phone", "in_person", "chat", "other"];
    public static readonly IReadOnlyList<string> Raters = ["client", "therapist", "observer"];
    public static readonly IReadOnlyList<string> Timings = ["pre", "post"];

    public const string DefaultRater = "client";

    public const int MaxMeasurementsPerSession = 50;
    public const int MaxSessionNumber = 10_000;
}
