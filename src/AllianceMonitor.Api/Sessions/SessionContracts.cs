using System.ComponentModel;
using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Instruments;
using Microsoft.AspNetCore.Mvc;

namespace AllianceMonitor.Api.Sessions;

/// <summary>One completed form as a platform sends it.</summary>
/// <param name="Instrument">Catalog code, e.g. <c>wai-sr</c>, <c>phq-9</c>.</param>
/// <param name="Rater"><c>client</c> (default), <c>therapist</c> or <c>observer</c>.</param>
/// <param name="Timing"><c>pre</c> or <c>post</c>; defaults to the instrument's usual timing.</param>
/// <param name="Items">Item responses in the order printed on the form. Omit for licensed instruments.</param>
/// <param name="Total">Only for licensed instruments that accept a total alone (<c>oq-45</c>).</param>
public sealed record MeasurementInput(
    string Instrument,
    string? Rater = null,
    string? Timing = null,
    double[]? Items = null,
    double? Total = null);

/// <summary>The full state of a session. Measurements left out of a later PUT stop being in force (their history is kept).</summary>
public sealed record SessionBody(
    DateOnly? OccurredOn,
    string? Modality,
    string? TherapistId,
    // Not nullable: the validator requires it (an empty list is fine), so the schema declares it required. The
    // serializer can still hand over null when it is missing; the validator answers that with 400.
    IReadOnlyList<MeasurementInput> Measurements);

public sealed record PutSessionRequest(
    [property: Description("The platform's pseudonymous patient id.")] string PatientId,
    [property: Description("1 for the first session.")] int SessionNumber,
    [property: FromBody] SessionBody Body);

/// <summary>One revision of one form. <paramref name="SupersededAt"/> is set only on revisions no longer in force.</summary>
public sealed record MeasurementResponse(
    string Instrument,
    Rater Rater,
    Timing Timing,
    int Revision,
    double[]? Items,
    double Total,
    IReadOnlyDictionary<string, double> Subscales,
    string? Band,
    DateTimeOffset ReceivedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? SupersededAt = null);

public sealed record SessionResponse(
    string PatientId,
    int SessionNumber,
    DateOnly? OccurredOn,
    string? Modality,
    string? TherapistId,
    IReadOnlyList<MeasurementResponse> Measurements);

public sealed record SessionRevisionsResponse(string PatientId, int SessionNumber, IReadOnlyList<MeasurementResponse> Revisions);
