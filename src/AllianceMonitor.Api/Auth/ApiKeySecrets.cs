using System.Security.Cryptography;
using System.Text;

namespace AllianceMonitor.Api.Auth;

/// <summary>Makes and hashes bearer keys. Keys carry 256 bits of randomness, so a plain SHA-256 is a sufficient verifier.</summary>
public static class ApiKeySecrets
{
    public const int PrefixLength = 12;
    public const int MinimumLength = 24;

    public static string NewKey() =>
        "amk_" + Base64Url(RandomNumberGenerator.GetBytes(6)) + "_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string PrefixOf(string key) => key[..Math.Min(PrefixLength, key.Length)];

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool Matches(byte[] storedHash, string presentedKey) =>
        CryptographicOperations.FixedTimeEquals(storedHash, Hash(presentedKey));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
