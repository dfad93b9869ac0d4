using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>The answer to a patient path segment that breaks the identifier rule, before anything looks it up.</summary>
public static class PatientRoute
{
    public static ValidationProblem Invalid() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["patientId"] = [Identifiers.Rule] },
        detail: $"patientId: {Identifiers.Rule}");
}
