using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Series;

/// <summary>One rating in force, as a pack holds it.</summary>
public readonly record struct PackedRating(int Session, string Instrument, Rater Rater, Timing Timing, double Total);

/// <summary>
/// The layout of a <see cref="Data.PatientRatingPack"/>, which the database's trigger writes (migration
/// PatientRatingPacks): for each rating in force, in session order (within a session, in the order written), the session number
/// (4 bytes), the total (8 bytes, IEEE 754), the key's length in bytes (2), then the key, "instrument rater timing" in
/// UTF-8. Numbers are big-endian, as PostgreSQL's <c>int4send</c>, <c>float8send</c> and <c>int2send</c> give them.
/// </summary>
/// <remarks>
/// The key is spelled out rather than coded as a number so that the trigger needs no list of instruments: a measure added
/// to the catalog later is packed like any other, and a reader skips keys it does not know.
/// </remarks>
public static class RatingPack
{
    private const int FixedBytes = 14;

    /// <summary>Walks a pack's entries without allocating: the key stays a span of the pack.</summary>
    public ref struct Entries(ReadOnlySpan<byte> pack)
    {
        private ReadOnlySpan<byte> _rest = pack;

        public int Session { get; private set; }

        public double Total { get; private set; }

        /// <summary>"instrument rater timing" in UTF-8: see <see cref="ParseKey"/>.</summary>
        public ReadOnlySpan<byte> Key { get; private set; }

        // Called for every rating of a refit (two million at 1M sessions): inlined into the refit's optimized fold. As a call
        // of its own it ran as unoptimized tier-0 code for the first three refits after a start (JitDisasmSummary), until
        // the runtime's call counting had promoted it twice.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool MoveNext()
        {
            if (_rest.IsEmpty)
            {
                return false;
            }

            var keyLength = _rest.Length >= FixedBytes ? BinaryPrimitives.ReadInt16BigEndian(_rest[12..]) : -1;
            if (keyLength < 0 || _rest.Length < FixedBytes + keyLength)
            {
                Truncated();
            }

            Session = BinaryPrimitives.ReadInt32BigEndian(_rest);
            Total = BinaryPrimitives.ReadDoubleBigEndian(_rest[4..]);
            Key = _rest.Slice(FixedBytes, keyLength);
            _rest = _rest[(FixedBytes + keyLength)..];
            return true;
        }
    }

    [DoesNotReturn]
    private static void Truncated() =>
        throw new InvalidDataException("A rating pack ends inside an entry: the trigger's layout and this reader's differ.");

    /// <summary>The instrument, rater and timing a key names (the rater and timing are stored names, as in the measurements table).</summary>
    public static (string Instrument, Rater Rater, Timing Timing) ParseKey(ReadOnlySpan<byte> key)
    {
        var parts = Encoding.UTF8.GetString(key).Split(' ');
        return parts.Length == 3
            ? (parts[0], StoredNames.Parse<Rater>(parts[1]), StoredNames.Parse<Timing>(parts[2]))
            : throw new InvalidDataException($"'{Encoding.UTF8.GetString(key)}' is not an 'instrument rater timing' key.");
    }

    /// <summary>Every entry of a pack, with its key parsed: for tests and tools, not the refit's loop.</summary>
    public static List<PackedRating> Decode(ReadOnlySpan<byte> pack)
    {
        var ratings = new List<PackedRating>();
        for (var entries = new Entries(pack); entries.MoveNext();)
        {
            var (instrument, rater, timing) = ParseKey(entries.Key);
            ratings.Add(new PackedRating(entries.Session, instrument, rater, timing, entries.Total));
        }

        return ratings;
    }
}
