using System.Text.RegularExpressions;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>The platform's pseudonymous identifiers: short tokens that cannot carry a name, an e-mail or free text.</summary>
public static partial class Identifiers
{
    public const string Rule = "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
