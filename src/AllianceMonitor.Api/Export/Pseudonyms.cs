using System.Security.Cryptography;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// HMAC-SHA256 pseudonyms of internal ids, first 128 bits in lower-case hex. Without the key a pseudonym cannot be
/// reversed or recomputed; with a fresh key per export two exports share no pseudonym.
/// </summary>
public sealed class Pseudonyms(byte[] key)
{
    public const int KeyBytes = 32;

    private readonly byte[] _key = key;

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    public string Of(char kind, Guid id)
    {
        Span<byte> message = stackalloc byte[17];
        message[0] = (byte)kind;
        id.TryWriteBytes(message[1..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, message, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
