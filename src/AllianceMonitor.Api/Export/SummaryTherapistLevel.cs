using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// The summary's <c>therapist_level</c> member: the nested lagged models and the alliance split three ways, fitted by the
/// library code <c>analyze --therapist-level</c> uses, under the same <c>Analysis:MinTherapists</c> as the therapist shares.
/// </summary>
public static class SummaryTherapistLevel
{
    public static AnalysisReport With(AnalysisReport report, IReadOnlyCollection<SessionObservation> observations, AnalysisOptions options) =>
        report with { TherapistLevel = TherapistLevelReportBuilder.Build(observations, FitMethod.Reml, ModelCatalog.All, options.MinTherapists) };
}
