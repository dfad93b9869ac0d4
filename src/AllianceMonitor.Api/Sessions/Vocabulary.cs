using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Sessions;

/// <summary>The closed vocabularies of the session API that are not enums of their own (raters and timings are).</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyList<string> Modalities = ["video", "phone", "in_person", "chat", "other"];

    /// <summary>The rater of a form sent without one.</summary>
    public const Rater DefaultRater = Rater.Client;

    public const int MaxMeasurementsPerSession = 50;
    public const int MaxSessionNumber = 10_000;
}
