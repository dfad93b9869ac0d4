using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>The overview's two model fits on a clinic's data, or why a model could not be fitted.</summary>
public sealed record OverviewModels(
    int Patients, int Ratings, NullModelSummary? Null, string? NullReason, MixedModelFit? Effects, string? EffectsReason)
{
    public static OverviewModels Fit(IReadOnlyCollection<SessionObservation> observations)
    {
        NullModelSummary? nullModel = null;
        MixedModelFit? effects = null;
        string? nullReason = null, effectsReason = null;
        try
        {
            nullModel = NullModel.Fit(observations.Where(o => o.Alliance is not null).ToList()).Summary;
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            nullReason = e.Message;
        }

        try
        {
            effects = MixedModelFitter.Fit(LaggedDesign.Build(observations, ModelCatalog.AllianceToSymptoms), FitMethod.Reml);
        }
        catch (Exception e) when (e is InsufficientDataException or ArgumentException or InvalidOperationException)
        {
            effectsReason = e.Message;
        }

        return new OverviewModels(
            observations.Select(o => o.PatientId).Distinct().Count(), observations.Count(o => o.Alliance is not null),
            nullModel, nullReason, effects, effectsReason);
    }
}
