using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.CommandLine;

namespace AllianceMonitor.Cli;

/// <summary>
/// <c>analyze --model agreement</c>: the client-therapist agreement model with its response surface, in the report's
/// <c>agreement</c> member; <c>models</c> and <c>comparisons</c> stay empty (the lagged models are not fitted), the null
/// model and the effects are as without the option.
/// </summary>
public static class AgreementAnalysis
{
    /// <exception cref="InputException">The file has no therapist ratings, or too few sessions that both raters rated.</exception>
    public static AnalysisReport Build(
        IReadOnlyList<SessionObservation> observations, FitMethod method, EffectsRequest? request, ConsoleProgress progress, string path)
    {
        if (observations.All(o => o.TherapistAlliance is null))
        {
            throw new InputException(
                $"{path}: --model agreement needs the therapist's ratings in a {CsvObservationReader.TherapistAllianceColumn} column; the file has none.");
        }

        progress.Begin($"fitting {AgreementModel.Name}");
        var agreement = AgreementReportBuilder.Build(observations, method);
        if (agreement.Model is null)
        {
            throw new InputException($"{path}: too little data to fit: {agreement.Reason}");
        }

        var rest = AnalysisReportBuilder.Build(observations, method, [], [Estimator.PersonMeanCentred], stage => progress.Begin(stage), request);
        return rest with { Agreement = agreement };
    }
}
