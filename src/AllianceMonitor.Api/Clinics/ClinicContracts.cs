namespace AllianceMonitor.Api.Clinics;

public sealed record CreateClinicRequest(string Name);

public sealed record ClinicResponse(Guid Id, string Name);

public sealed record CreateApiKeyRequest(string Name, IReadOnlyList<string> Roles);

/// <summary>The only response that ever carries the key itself.</summary>
public sealed record CreatedApiKeyResponse(Guid Id, string Name, string Key, string Prefix, IReadOnlyList<string> Roles, Guid ClinicId);

public sealed record ApiKeyResponse(Guid Id, string Name, string Prefix, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
