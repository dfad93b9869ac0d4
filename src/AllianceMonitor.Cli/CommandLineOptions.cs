using System.Globalization;

namespace AllianceMonitor.Cli;

/// <summary>Parses <c>--name value</c> pairs and rejects names the command does not know.</summary>
public sealed class CommandLineOptions
{
    private readonly Dictionary<string, string> _values;

    private CommandLineOptions(Dictionary<string, string> values) => _values = values;

    public static CommandLineOptions Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> allowed)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || !allowed.Contains(name[2..]))
            {
                throw new InputException($"Unknown option '{name}'; expected one of --{string.Join(", --", allowed)}.");
            }

            if (i + 1 >= args.Count)
            {
                throw new InputException($"Option {name} needs a value.");
            }

            values[name[2..]] = args[i + 1];
        }

        return new CommandLineOptions(values);
    }

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) =>
        Optional(name) ?? throw new InputException($"Option --{name} is required.");

    public int RequiredPositiveInt(string name) =>
        int.TryParse(Required(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new InputException($"Option --{name} must be a positive integer.");

    public ulong RequiredSeed(string name) =>
        ulong.TryParse(Required(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InputException($"Option --{name} must be a non-negative integer.");
}
