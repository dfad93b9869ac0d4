using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Agreement;

/// <summary>Which therapist rating of a session is compared with the client's.</summary>
public static class TherapistForms
{
    /// <summary>Client forms with a therapist form of their own, scored on the same scale (docs/api.md, "The therapist's form").</summary>
    private static readonly Dictionary<string, string> Own = new(StringComparer.Ordinal) { ["wai-sr"] = "wai-sr-t" };

    /// <summary>The alliance measures a client rates, each compared with the therapist's rating of the same session.</summary>
    public static IReadOnlyList<InstrumentDefinition> ClientForms { get; } =
        InstrumentCatalog.Alliance.Where(i => !Own.ContainsValue(i.Code)).ToArray();

    /// <summary>
    /// The therapist forms that can stand opposite a client form, preferred first: the instrument's own therapist form
    /// (WAI-SR-T for the WAI-SR), then the same instrument rated by the therapist (as platforms may send the SRS).
    /// </summary>
    public static IReadOnlyList<string> Of(string clientCode) =>
        Own.TryGetValue(clientCode, out var own) ? [own, clientCode] : [clientCode];
}
