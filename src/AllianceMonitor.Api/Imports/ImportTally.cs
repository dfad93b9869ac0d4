namespace AllianceMonitor.Api.Imports;

/// <summary>What became of a session line that reached the database.</summary>
public enum ImportOutcome { Created, Updated, Unchanged }

/// <summary>A valid line waiting in a chunk: its number in the body and the PUT it stands for.</summary>
public sealed record ImportedLine(int Number, Sessions.PutSessionRequest Request);

/// <summary>The counts of an import and its first rejected lines, in line order.</summary>
internal sealed class ImportTally
{
    private readonly List<RejectedImportLine> _rejected = [];

    public int Lines { get; set; }
    public int Created { get; private set; }
    public int Updated { get; private set; }
    public int Unchanged { get; private set; }
    public int RejectedCount { get; private set; }

    public void Count(ImportOutcome outcome)
    {
        switch (outcome)
        {
            case ImportOutcome.Created: Created++; break;
            case ImportOutcome.Updated: Updated++; break;
            default: Unchanged++; break;
        }
    }

    /// <summary>
    /// Keeps the lowest line numbers: a line the database refused is known only when its chunk is redone, after later
    /// lines of the body may already have been rejected as invalid.
    /// </summary>
    public void Reject(int line, Dictionary<string, string[]> errors)
    {
        RejectedCount++;
        var at = _rejected.FindLastIndex(r => r.Line < line) + 1;
        if (at < SessionImport.MaxListedRejections)
        {
            _rejected.Insert(at, new RejectedImportLine(line, errors));
            if (_rejected.Count > SessionImport.MaxListedRejections)
            {
                _rejected.RemoveAt(_rejected.Count - 1);
            }
        }
    }

    public SessionImportResponse ToResponse() =>
        new(Lines, Created, Updated, Unchanged, RejectedCount, _rejected, RejectedLinesTruncated: RejectedCount > _rejected.Count);
}
