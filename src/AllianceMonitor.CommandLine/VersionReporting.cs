using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace AllianceMonitor.CommandLine;

/// <summary>
/// <c>--version</c> prints the version of the assembly that defines the commands. System.CommandLine's default reads
/// the entry assembly, which is the test host when the commands run inside the tests.
/// </summary>
public static class VersionReporting
{
    public static void ReportVersionOf(this RootCommand root, Assembly assembly)
    {
        var version = root.Options.OfType<VersionOption>().Single();
        version.Action = new PrintVersion(VersionText(assembly));
    }

    public static string VersionText(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? assembly.GetName().Version?.ToString()
        ?? "unknown";

    private sealed class PrintVersion(string text) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(text);
            return ExitCodes.Ok;
        }
    }
}
