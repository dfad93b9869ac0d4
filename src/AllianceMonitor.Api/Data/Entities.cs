using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Data;

/// <summary>A tenant. Every patient-level row belongs to exactly one clinic.</summary>
public sealed class Clinic
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>A bearer key. Only the SHA-256 of the key is stored; the key itself is shown once at creation.</summary>
public sealed class ApiKey
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Null only for a global administrator key.</summary>
    public Guid? ClinicId { get; init; }
    public required string Name { get; init; }

    /// <summary>The first characters of the key, kept so a person can tell keys apart and so lookup needs no scan.</summary>
    public required string Prefix { get; init; }
    public required byte[] KeyHash { get; init; }
    public required string[] Roles { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A therapist known only by the platform's pseudonymous identifier.</summary>
public sealed class Therapist
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public required string ExternalId { get; init; }
}

/// <summary>A patient known only by the platform's pseudonymous identifier: no names, contact data or birth dates.</summary>
public sealed class Patient
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public required string ExternalId { get; init; }
    public Guid? TherapistId { get; set; }
    public Therapist? Therapist { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public List<Session> Sessions { get; init; } = [];
}

public sealed class Session
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid PatientId { get; init; }
    public int Number { get; init; }
    public DateOnly? OccurredOn { get; set; }
    public string? Modality { get; set; }
    public Guid? TherapistId { get; set; }
    public Therapist? Therapist { get; set; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public List<Measurement> Measurements { get; init; } = [];
}

/// <summary>
/// One revision of one form (instrument x rater x timing) in a session. Revisions are append-only:
/// a correction adds a row and stamps the previous one as superseded, so history is never overwritten.
/// </summary>
public sealed class Measurement
{
    public long Id { get; init; }
    public Guid SessionId { get; init; }

    /// <summary>
    /// The session's patient and number, copied so that a clinic's ratings in force are read in patient order from one
    /// index, without joining the sessions or sorting (the refit, issue 15). The foreign key is on all three columns, so
    /// the copies cannot disagree with the session.
    /// </summary>
    public Guid PatientId { get; init; }

    /// <inheritdoc cref="PatientId"/>
    public int SessionNumber { get; init; }

    public required string Instrument { get; init; }
    public Rater Rater { get; init; }
    public Timing Timing { get; init; }
    public int Revision { get; init; }
    public double[]? Items { get; init; }
    public double Total { get; init; }
    public required Dictionary<string, double> Subscales { get; init; }
    public string? Band { get; init; }
    public DateTimeOffset ReceivedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Null for the revision in force; set when a correction or a removal replaced it.</summary>
    public DateTimeOffset? SupersededAt { get; set; }
}

/// <summary>Who did what to which patient and how it ended. Never scores or request bodies.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
    public Guid? ApiKeyId { get; init; }
    public Guid? ClinicId { get; init; }
    public required string Action { get; init; }

    /// <summary>The platform's pseudonymous patient id, kept after erasure so the erasure itself stays on record.</summary>
    public string? PatientRef { get; init; }
    public int Outcome { get; init; }
}
