using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>404 answers as problem+json. They never say whether the thing exists in another clinic.</summary>
public static class NotFoundProblems
{
    public static ProblemHttpResult Patient(string patientId) =>
        Make("Patient not found", $"No patient '{patientId}' in this clinic.");

    public static ProblemHttpResult Session(string patientId, int sessionNumber) =>
        Make("Session not found", $"Patient '{patientId}' has no session {sessionNumber}.");

    public static ProblemHttpResult Clinic(Guid clinicId) =>
        Make("Clinic not found", $"No clinic '{clinicId}'.");

    public static ProblemHttpResult ApiKey(Guid keyId) =>
        Make("API key not found", $"No API key '{keyId}' in this clinic.");

    public static ProblemHttpResult Alert(Guid alertId) =>
        Make("Alert not found", $"No alert '{alertId}' in this clinic.");

    public static ProblemHttpResult Webhook(Guid webhookId) =>
        Make("Webhook not found", $"No webhook '{webhookId}' in this clinic.");

    private static ProblemHttpResult Make(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: title);
}
