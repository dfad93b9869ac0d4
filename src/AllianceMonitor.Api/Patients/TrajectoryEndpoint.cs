using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Patients;

public static class TrajectoryEndpoint
{
    public static async Task<Results<Ok<TrajectoryResponse>, ProblemHttpResult>> GetTrajectory(
        string patientId, HttpContext http, TrajectoryQuery trajectories) =>
        await trajectories.LoadAsync(Caller.ClinicOf(http.User), patientId, http.RequestAborted) is { } trajectory
            ? TypedResults.Ok(trajectory)
            : NotFoundProblems.Patient(patientId);
}
