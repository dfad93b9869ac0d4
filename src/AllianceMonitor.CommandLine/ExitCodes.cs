namespace AllianceMonitor.CommandLine;

/// <summary>The exit codes of <c>alliance-monitor</c> and of the service's one-off modes, as the README documents them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (help and <c>--version</c> included).</summary>
    public const int Ok = 0;

    /// <summary>Something outside the input went wrong: a file could not be written, the database could not be reached.</summary>
    public const int Failure = 1;

    /// <summary>The arguments or the input file are wrong; one line on stderr says where.</summary>
    public const int BadInput = 2;
}
