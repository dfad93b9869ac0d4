using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace AllianceMonitor.Api.Imports;

/// <summary>One line of a newline-delimited body. <see cref="Content"/> is valid only until the next line is read.</summary>
/// <param name="Number">1 for the first line; blank lines count, so the number is the one an editor shows.</param>
/// <param name="TooLong">The line passed the limit; its bytes were skipped, not buffered.</param>
public readonly record struct NdjsonLine(int Number, ReadOnlySequence<byte> Content, bool TooLong);

/// <summary>
/// Splits a body into lines as it arrives, holding at most one line (up to the limit) in memory whatever the body's
/// size. Blank lines are skipped; a trailing carriage return and a leading byte order mark are dropped.
/// </summary>
public static class NdjsonLines
{
    public static async IAsyncEnumerable<NdjsonLine> ReadAsync(
        PipeReader reader, long maxLineBytes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var number = 0;
        var skipping = false; // inside a line already reported as too long: its rest is dropped up to the next newline
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = buffer.Slice(0, newline);
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
                if (skipping)
                {
                    skipping = false;
                    continue;
                }

                number++;
                if (Classify(number == 1 ? WithoutByteOrderMark(line) : line, maxLineBytes) is { } found)
                {
                    yield return found with { Number = number };
                }
            }

            if (skipping)
            {
                buffer = buffer.Slice(buffer.End);
            }
            else if (buffer.Length > maxLineBytes)
            {
                // Reported now rather than buffered until its end: a line with no newline could otherwise fill memory.
                skipping = true;
                yield return new NdjsonLine(++number, default, TooLong: true);
                buffer = buffer.Slice(buffer.End);
            }
            else if (result.IsCompleted && buffer.Length > 0)
            {
                number++;
                if (Classify(number == 1 ? WithoutByteOrderMark(buffer) : buffer, maxLineBytes) is { } last)
                {
                    yield return last with { Number = number };
                }

                buffer = buffer.Slice(buffer.End);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                yield break;
            }
        }
    }

    private static NdjsonLine? Classify(ReadOnlySequence<byte> line, long maxLineBytes)
    {
        if (line.Length > 0 && EndsWithCarriageReturn(line))
        {
            line = line.Slice(0, line.Length - 1);
        }

        if (line.Length > maxLineBytes)
        {
            return new NdjsonLine(0, default, TooLong: true);
        }

        return IsBlank(line) ? null : new NdjsonLine(0, line, TooLong: false);
    }

    /// <summary>Editors on Windows often start a UTF-8 file with a byte order mark; the JSON reader would refuse it.</summary>
    private static ReadOnlySequence<byte> WithoutByteOrderMark(ReadOnlySequence<byte> line) =>
        line.Length >= 3 && line.Slice(0, 3).ToArray().AsSpan().SequenceEqual("\uFEFF"u8) ? line.Slice(3) : line;

    private static bool EndsWithCarriageReturn(ReadOnlySequence<byte> line) => line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (var segment in line)
        {
            if (segment.Span.IndexOfAnyExcept(" \t\r"u8) >= 0)
            {
                return false;
            }
        }

        return true;
    }
}
