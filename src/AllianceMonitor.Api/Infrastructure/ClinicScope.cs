using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Infrastructure;

public static class ClinicScope
{
    /// <summary>The answer when a global admin key (no clinic) calls an endpoint about "the current clinic".</summary>
    public static ProblemHttpResult Required() => TypedResults.Problem(
        "This endpoint acts on the caller's own clinic, and a global admin key has none. Use an admin key of the clinic.",
        statusCode: StatusCodes.Status403Forbidden,
        title: "A clinic key is required");
}
