using System.Text.RegularExpressions;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>
/// Finds alert-kind, alert-status, rupture-status and rater names written as string literals ("open" in C# or Razor,
/// 'open' in SQL) instead of coming from their enum. Timings are left out: "post" is also every HTML form's method.
/// A quoted word right after '=' with no space (<c>id="repaired"</c>) is an HTML attribute value, markup rather than
/// vocabulary, and is not reported; code writes comparisons and SQL with spaces around '='.
/// </summary>
internal static partial class VocabularyLiterals
{
    private static readonly HashSet<string> Names =
    [
        .. StoredNames.All<AlertKind>(),
        .. StoredNames.All<AlertStatus>(),
        .. StoredNames.All<RuptureStatus>(),
        .. StoredNames.All<Rater>(),
    ];

    private static readonly string[] Extensions = [".cs", ".razor", ".cshtml", ".sql"];

    /// <summary>
    /// Source in the languages that could write a vocabulary value, outside build output and the migrations: a
    /// migration freezes the vocabulary of its day into the schema, which is what its CHECK constraints are for. That
    /// holds for the hand-written SQL ones and for what the dotnet-ef tool writes (a migration's AddCheckConstraint,
    /// its .Designer.cs and the model snapshot, which record the constraints' SQL).
    /// </summary>
    public static bool IsScanned(string path)
    {
        var parts = path.Replace('\\', '/').Split('/');
        return Extensions.Contains(Path.GetExtension(path))
               && !parts.Contains("bin") && !parts.Contains("obj")
               && !parts.Contains("Migrations");
    }

    /// <returns>"file:line literal" for every vocabulary literal in the text.</returns>
    public static List<string> Find(string file, string text)
    {
        var lines = text.Split('\n');
        var found = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (Match match in Literal().Matches(lines[i]))
            {
                if (Names.Contains(match.Groups["name"].Value))
                {
                    found.Add($"{file}:{i + 1} {match.Value}");
                }
            }
        }

        return found;
    }

    [GeneratedRegex("""(?<!=)(?<quote>["'])(?<name>[a-z_]+)\k<quote>""")]
    private static partial Regex Literal();
}
