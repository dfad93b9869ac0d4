using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace AllianceMonitor.Api.Alerts;

/// <param name="Since">Only alerts created or changed at or after this instant: a dashboard passes the time of its last pull.</param>
public sealed record AlertListQuery(string? Status, string? Kind, string? TherapistId, DateTimeOffset? Since, int? Page, int? PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public int PageOrDefault => Page ?? 1;
    public int PageSizeOrDefault => PageSize ?? DefaultPageSize;
}

/// <param name="By">The id of the API key that acted (the platform maps keys to people; we store no names).</param>
public sealed record AlertActionResponse(DateTimeOffset At, Guid? By, string? Note);

/// <param name="Status">open, acknowledged, resolved, or withdrawn (a corrected session no longer supports it).</param>
/// <param name="RuptureStatus">For a rupture: open, repaired (back near baseline within the repair window) or unrepaired.</param>
/// <param name="StatusSession">The session at which the rupture was found repaired or unrepaired.</param>
/// <param name="Evidence">What the detector saw; it depends only on sessions up to the one that raised the alert.</param>
/// <param name="Severity">3 act (unrepaired rupture, reliable deterioration), 2 look (open rupture), 1 note (repaired rupture or a chronically low level).</param>
public sealed record AlertResponse(
    Guid Id,
    string PatientId,
    string? TherapistId,
    string Instrument,
    Rater Rater,
    AlertKind Kind,
    int Session,
    AlertStatus Status,
    RuptureStatus? RuptureStatus,
    int? StatusSession,
    int Severity,
    AlertEvidence Evidence,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    AlertActionResponse? Acknowledged,
    AlertActionResponse? Resolved);

/// <param name="Note">Optional, from a closed list (<see cref="AlertNotes"/>): free text could carry what a pseudonymous service must not hold.</param>
public sealed record AlertActionBody(string? Note);

public sealed record AlertActionRequest(Guid AlertId, [property: FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] AlertActionBody? Body);

/// <summary>The notes a clinician may attach when acknowledging or resolving an alert.</summary>
public static class AlertNotes
{
    public static readonly IReadOnlyList<string> All =
    [
        "reviewed",
        "discussed_with_patient",
        "discussed_in_supervision",
        "known_context",
        "follow_up_planned",
        "repaired_in_session",
        "resolved_over_time",
        "not_a_rupture",
        "treatment_ended",
        "referred",
    ];
}
