using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AllianceMonitor.Api.Forms;

/// <summary>
/// The secret in a form link. 256 random bits, base64url, so it fits a URL path unescaped; only its SHA-256 is stored.
/// The token is the only thing that ties a browser to a patient's session, which is why it carries that much entropy
/// and why a forged one looks exactly like an erased or never-made one.
/// </summary>
public static class FormTokens
{
    public const int Bytes = 32;

    /// <summary>The length of every token this class makes (43 base64url characters).</summary>
    public static readonly int Length = Base64Url.GetEncodedLength(Bytes);

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Whether the text could be a token at all; anything else is refused before the database is asked.</summary>
    public static bool IsWellFormed(string? token) =>
        token is not null && token.Length == Length && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
