namespace AllianceMonitor.Analysis.Models;

/// <summary>The data cannot support the requested model (too few complete rows or patients).</summary>
public sealed class InsufficientDataException : Exception
{
    public InsufficientDataException()
    {
    }

    public InsufficientDataException(string message)
        : base(message)
    {
    }

    public InsufficientDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
