namespace AllianceMonitor.Api.Data;

/// <summary>Where an export stands: written as <c>started</c> before the first row, updated once the stream ends.</summary>
public static class ExportStatus
{
    public const string Started = "started";
    public const string Completed = "completed";
    public const string Aborted = "aborted";
    public const string Failed = "failed";
}

/// <summary>
/// One research export: who, when, which filters and, once the stream has ended, how many rows left the service.
/// Never the rows, the pseudonyms or the key. No foreign keys, like the audit log: the record outlives keys and clinics.
/// </summary>
public sealed class ExportRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public Guid ApiKeyId { get; init; }
    public required string Format { get; init; }

    /// <summary>The normalised query (filters and chosen measures) as JSON.</summary>
    public required string Filters { get; init; }
    public bool Linkable { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string Status { get; set; } = ExportStatus.Started;

    /// <summary>Rows written to the response; for an aborted export, the rows written before the client went away.</summary>
    public long? RowCount { get; set; }
}

/// <summary>
/// A clinic's research key for linkable pseudonyms (HMAC-SHA256). Created on the first linkable export, replaced when
/// an admin rotates it.
/// </summary>
public sealed class ResearchKey
{
    public Guid ClinicId { get; init; }

    /// <summary>The 32-byte key, encrypted with the data-protection key ring (see <c>ResearchKeys</c>).</summary>
    public required byte[] ProtectedKey { get; init; }

    /// <summary>When this key was made: the first linkable export, or the last rotation.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
