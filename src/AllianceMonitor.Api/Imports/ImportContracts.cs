using System.ComponentModel;
using AllianceMonitor.Api.Sessions;

namespace AllianceMonitor.Api.Imports;

/// <summary>
/// One line of a session import: the body of <c>PUT /api/v1/patients/{patientId}/sessions/{sessionNumber}</c> with
/// the two route values as fields.
/// </summary>
public sealed record SessionImportLine(
    [property: Description("The platform's pseudonymous patient id.")] string PatientId,
    [property: Description("1 for the first session.")] int SessionNumber,
    DateOnly? OccurredOn,
    string? Modality,
    string? TherapistId,
    IReadOnlyList<MeasurementInput> Measurements)
{
    /// <summary>The same request the PUT binds, so the PUT's validator and writer take it as they are.</summary>
    public PutSessionRequest ToPutRequest() =>
        new(PatientId, SessionNumber, new SessionBody(OccurredOn, Modality, TherapistId, Measurements));
}

/// <summary>A line that was not stored, with the same field names and rules the PUT's 400 gives.</summary>
/// <param name="Line">1 for the first line of the body; blank lines count.</param>
public sealed record RejectedImportLine(int Line, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>What became of every line of an import.</summary>
/// <param name="Lines">Session lines read (blank lines are not counted).</param>
/// <param name="Created">Sessions that did not exist before.</param>
/// <param name="Updated">Existing sessions whose details or forms changed (a changed form adds a revision).</param>
/// <param name="Unchanged">Lines identical to what was already stored: nothing was written for them.</param>
/// <param name="Rejected">Lines not stored because they were malformed or invalid.</param>
/// <param name="RejectedLines">The first rejected lines, in order: at most 100 (SessionImport.MaxListedRejections).</param>
/// <param name="RejectedLinesTruncated">True when more lines were rejected than are listed.</param>
public sealed record SessionImportResponse(
    int Lines,
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    IReadOnlyList<RejectedImportLine> RejectedLines,
    bool RejectedLinesTruncated);
