using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// The supervisor view's model fit on a clinic's data (the nested null model, kept in a <see cref="ClinicFitCache{TModels}"/>
/// on the overview's terms), or why it could not be fitted. The rupture counts beside it are counted live.
/// </summary>
/// <param name="Levels">Every therapist's shrunken alliance level (hidden ones included: they inform the clinic's variances).</param>
public sealed record SupervisorModels(TherapistAllianceLevelsResult? Levels, string? Reason);
