using System.CommandLine;

namespace AllianceMonitor.Cli;

/// <summary>The <c>--input</c> option that <c>analyze</c> and <c>ruptures</c> share, and the format it expects.</summary>
public static class InputOption
{
    public static Option<string> Create() => new("--input", "-i")
    {
        Description = "CSV with a header naming patient_id, therapist_id, session, alliance and symptoms (any order, "
            + "extra columns ignored, an empty cell is a missing value, RFC 4180 quoting).",
        HelpName = "FILE.csv",
        Required = true,
    };
}
