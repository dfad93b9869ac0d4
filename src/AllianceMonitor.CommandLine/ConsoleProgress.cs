using System.Diagnostics;
using System.Globalization;

namespace AllianceMonitor.CommandLine;

/// <summary>
/// One status line on stderr for work that takes a while: the current stage, a count (of a total when known) and the
/// elapsed seconds. A timer draws it, so the work only stores a number and pays nothing for formatting; nothing is drawn
/// before <see cref="ProgressOptions.Delay"/>, so short runs stay silent. Never writes to stdout, which carries results.
/// </summary>
public sealed class ConsoleProgress : IDisposable
{
    private readonly TextWriter _stderr;
    private readonly ProgressOptions _options;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly Timer? _timer;
    private string _stage = string.Empty;
    private string _unit = string.Empty;
    private long _total;
    private long _done;
    private int _drawnLength;
    private bool _drawn;
    private bool _disposed;

    public ConsoleProgress(TextWriter stderr, ProgressOptions options)
    {
        _stderr = stderr;
        _options = options;
        if (options.Enabled)
        {
            _timer = new Timer(_ => Draw(final: false), null, options.Interval, options.Interval);
        }
    }

    /// <summary>A new stage; <paramref name="unit"/> names what <see cref="Advance"/> counts (empty: no count shown).</summary>
    public void Begin(string stage, string unit = "", long total = 0)
    {
        lock (_gate)
        {
            _stage = stage;
            _unit = unit;
            _total = total;
            Interlocked.Exchange(ref _done, 0);
        }
    }

    /// <summary>How many units are done so far in the current stage; cheap enough to call for every row.</summary>
    public void Advance(long done) => Interlocked.Exchange(ref _done, done);

    public void Dispose()
    {
        _timer?.Dispose();
        Draw(final: true);
    }

    private void Draw(bool final)
    {
        lock (_gate)
        {
            if (_disposed || !_options.Enabled || _clock.Elapsed < _options.Delay || _stage.Length == 0)
            {
                _disposed |= final;
                return;
            }

            var line = Describe();
            if (_options.Terminal)
            {
                // Pad over the rest of a longer previous line; the final draw ends the line so the shell prompt starts clean.
                _stderr.Write("\r" + line.PadRight(_drawnLength));
                _drawnLength = line.Length;
                if (final)
                {
                    _stderr.Write('\n');
                }
            }
            else
            {
                _stderr.Write(line + "\n");
            }

            _stderr.Flush();
            _drawn = true;
            _disposed |= final;
        }
    }

    private string Describe()
    {
        var seconds = string.Create(CultureInfo.InvariantCulture, $"{_clock.Elapsed.TotalSeconds:0} s");
        if (_unit.Length == 0)
        {
            return $"{_stage} ... {seconds}";
        }

        var done = Interlocked.Read(ref _done);
        return _total > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{_stage}: {done:N0} of {_total:N0} {_unit} ({100.0 * done / _total:0}%), {seconds}")
            : string.Create(CultureInfo.InvariantCulture, $"{_stage}: {done:N0} {_unit}, {seconds}");
    }

    /// <summary>Whether anything was drawn; tests use it to tell a silent run from a reported one.</summary>
    public bool HasDrawn
    {
        get
        {
            lock (_gate)
            {
                return _drawn;
            }
        }
    }
}
