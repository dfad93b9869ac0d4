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

/// <summary>What the detector saw; it depends only on sessions up to the one that raised the alert.</summary>
/// <param name="DropInSds">For a rupture, the drop from the baseline in this clinic's within-patient SDs; for a low level, the distance below the clinic's mean.</param>
/// <param name="Threshold">What the rule needed, on the instrument's scale.</param>
/// <param name="ExpectedSymptomChange">From the clinic's alliance_to_symptoms model, when fitted: the change in next-session symptom points that goes with a drop this size.</param>
public sealed record AlertEvidenceResponse(
    double Observed,
    double Baseline,
    double DropInSds,
    double Threshold,
    string Rule,
    int RuleVersion,
    int CalibrationVersion,
    bool DefaultCalibration,
    double? ExpectedSymptomChange,
    string Explanation);

/// <param name="By">The id of the API key that acted (the platform maps keys to people; we store no names).</param>
public sealed record AlertActionResponse(DateTimeOffset At, Guid? By, string? Note);

/// <param name="Status">open, acknowledged, resolved, or withdrawn (a corrected session no longer supports it).</param>
/// <param name="RuptureStatus">For a rupture: open, repaired (back near baseline within the repair window) or unrepaired.</param>
/// <param name="StatusSession">The session at which the rupture was found repaired or unrepaired.</param>
/// <param name="Severity">3 act (unrepaired rupture), 2 look (open rupture), 1 note (repaired rupture or a chronically low level).</param>
public sealed record AlertResponse(
    Guid Id,
    string PatientId,
    string? TherapistId,
    string Instrument,
    string Rater,
    string Kind,
    int Session,
    string Status,
    string? RuptureStatus,
    int? StatusSession,
    int Severity,
    AlertEvidenceResponse Evidence,
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
