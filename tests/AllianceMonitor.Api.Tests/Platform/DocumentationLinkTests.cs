using System.Text.RegularExpressions;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>
/// The README and docs/ link to each other by relative paths and heading anchors; moving a section must not leave a
/// reader at a missing file or a missing heading.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    [Fact]
    public void Every_relative_link_in_the_documentation_reaches_a_file_and_heading_that_exist()
    {
        var root = Repository.Root();
        var pages = new[] { "README.md", Path.Combine("bench", "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Path.GetRelativePath(root, f)))
            .ToList();

        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var page in pages)
        {
            foreach (var (line, target) in Links(File.ReadAllLines(Path.Combine(root, page))))
            {
                checkedLinks++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var (path, anchor) = hash < 0 ? (target, "") : (target[..hash], target[(hash + 1)..]);
                var file = path.Length == 0 ? Path.Combine(root, page) : Path.GetFullPath(Path.Combine(root, Path.GetDirectoryName(page)!, path));
                if (!File.Exists(file) && !Directory.Exists(file))
                {
                    broken.Add($"{page}:{line}: {target} (no such file)");
                }
                else if (anchor.Length > 0 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllLines(file)).Contains(anchor))
                {
                    broken.Add($"{page}:{line}: {target} (no such heading)");
                }
            }
        }

        Assert.True(checkedLinks > 10, $"only {checkedLinks} links found: is the link pattern still right?");
        Assert.True(broken.Count == 0, "Broken links:\n" + string.Join('\n', broken));
    }

    [Theory]
    [InlineData("Research export (for researchers)", "research-export-for-researchers")]
    [InlineData("Definitions (the export, the service and the CLI use exactly these)", "definitions-the-export-the-service-and-the-cli-use-exactly-these")]
    [InlineData("Speed and agreement with lme4", "speed-and-agreement-with-lme4")]
    public void Anchors_follow_the_slug_rule_of_common_markdown_renderers(string heading, string anchor) =>
        Assert.Equal(anchor, Slug(heading));

    private static IEnumerable<(int Line, string Target)> Links(string[] lines)
    {
        var inCode = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue;
            }

            if (inCode)
            {
                continue;
            }

            foreach (Match link in LinkTarget().Matches(lines[i]))
            {
                var target = link.Groups[1].Value;
                if (!target.Contains("://", StringComparison.Ordinal) && !target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    yield return (i + 1, target);
                }
            }
        }
    }

    private static HashSet<string> Anchors(string[] lines)
    {
        var inCode = false;
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }
            else if (!inCode && Heading().Match(line) is { Success: true } heading)
            {
                anchors.Add(Slug(heading.Groups[1].Value));
            }
        }

        return anchors;
    }

    /// <summary>Lower case, punctuation other than hyphens and underscores dropped, spaces to hyphens.</summary>
    private static string Slug(string heading) =>
        NotSlugCharacter().Replace(heading.Trim().ToLowerInvariant(), "").Replace(' ', '-');

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"^#{1,6} (.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotSlugCharacter();
}
