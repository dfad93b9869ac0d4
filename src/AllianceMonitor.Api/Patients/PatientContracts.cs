using AllianceMonitor.Api.Sessions;
using Microsoft.AspNetCore.Mvc;

namespace AllianceMonitor.Api.Patients;

public sealed record PatientBody(string? TherapistId);

public sealed record PutPatientRequest(string PatientId, [property: FromBody] PatientBody Body);

public sealed record PatientResponse(string PatientId, string? TherapistId);

public sealed record PatientSummary(string PatientId, string? TherapistId, int SessionCount, int? LastSessionNumber);

public sealed record PatientDetail(string PatientId, string? TherapistId, IReadOnlyList<SessionResponse> Sessions);

public sealed record PatientListQuery(string? TherapistId, int? Page, int? PageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    public int PageOrDefault => Page ?? 1;
    public int PageSizeOrDefault => PageSize ?? DefaultPageSize;
}

public sealed record DeletePatientRequest(string PatientId, Guid? ClinicId);
