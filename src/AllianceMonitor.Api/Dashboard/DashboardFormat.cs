using System.Globalization;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>How the pages write numbers, dates and the fixed vocabularies for people.</summary>
public static class DashboardFormat
{
    private static readonly string[] SeverityNames = ["", "Note", "Look", "Act"];

    /// <summary>A number in invariant culture, or an en dash when there is none.</summary>
    public static string Number(double? value, string format = "0.00") =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    public static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "–";

    public static string Severity(int severity) => SeverityNames[Math.Clamp(severity, 0, 3)];

    public static string Note(string note) => note.Replace('_', ' ');
}
