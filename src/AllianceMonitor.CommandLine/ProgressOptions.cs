namespace AllianceMonitor.CommandLine;

/// <summary>How long-running work reports on stderr.</summary>
/// <param name="Enabled">False prints nothing at all.</param>
/// <param name="Delay">Work that ends sooner prints nothing; about 2 s, so quick commands stay silent.</param>
/// <param name="Interval">How often the line is redrawn.</param>
/// <param name="Terminal">True redraws one line in place (carriage return); false prints a new line each time, for logs.</param>
public sealed record ProgressOptions(bool Enabled, TimeSpan Delay, TimeSpan Interval, bool Terminal)
{
    public static readonly ProgressOptions Off = new(false, TimeSpan.Zero, TimeSpan.FromSeconds(1), Terminal: false);

    /// <summary>On when stderr is a terminal and the user did not ask for quiet; a pipe or a file gets nothing.</summary>
    public static ProgressOptions ForConsole(bool quiet) =>
        new(!quiet && !Console.IsErrorRedirected, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250), Terminal: true);

    /// <summary>
    /// For the service's own long steps (the demo seeding): always on, since a server's stderr is usually a log; a
    /// terminal gets one line redrawn in place, a log a whole line every 5 s.
    /// </summary>
    public static ProgressOptions ForService() => Console.IsErrorRedirected
        ? new(true, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), Terminal: false)
        : new(true, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(250), Terminal: true);
}
