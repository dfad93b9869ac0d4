namespace AllianceMonitor.Cli;

/// <summary>Bad input or arguments; the message is the single line printed to stderr.</summary>
public sealed class InputException : Exception
{
    public InputException()
    {
    }

    public InputException(string message)
        : base(message)
    {
    }

    public InputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
