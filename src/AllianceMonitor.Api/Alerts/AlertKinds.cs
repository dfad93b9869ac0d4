using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Api.Alerts;

/// <summary>The API's snake_case names for the detector's kinds and repair states.</summary>
public static class AlertKinds
{
    public const string Rupture = "rupture";
    public const string LowAlliance = "low_alliance";

    public static readonly IReadOnlyList<string> All = [Rupture, LowAlliance];

    public static string Name(AlertKind kind) => kind switch
    {
        AlertKind.Rupture => Rupture,
        AlertKind.LowAlliance => LowAlliance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A new detector kind needs an API name."),
    };

    public static string Name(RuptureStatus status) => status switch
    {
        RuptureStatus.Open => "open",
        RuptureStatus.Repaired => "repaired",
        RuptureStatus.Unrepaired => "unrepaired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A new repair state needs an API name."),
    };
}
