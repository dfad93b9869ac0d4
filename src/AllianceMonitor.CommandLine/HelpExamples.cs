using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace AllianceMonitor.CommandLine;

/// <summary>Adds an "Examples:" section to the help of the commands that have examples.</summary>
public static class HelpExamples
{
    private static readonly ConditionalWeakTable<Command, string[]> Examples = [];

    public static TCommand WithExamples<TCommand>(this TCommand command, params string[] examples)
        where TCommand : Command
    {
        Examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>Makes the help of <paramref name="root"/> and of every command under it end with that command's examples.</summary>
    public static void ShowExamplesInHelp(this RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpThenExamples((SynchronousCommandLineAction)help.Action!);
    }

    /// <summary>The usual help, then the examples of the command it describes.</summary>
    private sealed class HelpThenExamples(SynchronousCommandLineAction usualHelp) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = usualHelp.Invoke(parseResult);
            if (Examples.TryGetValue(parseResult.CommandResult.Command, out var examples) && examples.Length > 0)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var example in examples)
                {
                    output.WriteLine("  " + example);
                }

                output.WriteLine();
            }

            return code;
        }
    }
}
