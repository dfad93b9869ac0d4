using System.Diagnostics;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The lagged models with patients nested in therapists:
/// <c>... + (1 | therapist_id) + (1 + x_within | therapist_id:patient_id)</c>. Only the person-mean-centred
/// estimator has this form in the library, so these are person-mean-centred fits. One code path for
/// <c>analyze --therapist-level</c> and the summary's <c>therapist_level</c>.
/// </summary>
public static class NestedLaggedModels
{
    public const string NameSuffix = "_nested";

    public static string Formula(LaggedModelDefinition model) =>
        $"{model.Response} ~ {model.PredictorWithin} + {model.PredictorBetween} + {model.OutcomeWithin} + session"
        + $" + (1 | {LaggedModelDefinition.TherapistGroupName}) + (1 + {model.PredictorWithin} | {LaggedModelDefinition.TherapistPatientGroupName})";

    /// <summary>Distinct therapists named on sessions (rated or not).</summary>
    public static int CountTherapists(IEnumerable<SessionObservation> observations) =>
        observations.Where(o => o.TherapistId is not null).Select(o => o.TherapistId!).Distinct(StringComparer.Ordinal).Count();

    /// <exception cref="InsufficientDataException">Too few complete lag pairs or patients with a therapist.</exception>
    public static ModelReport Fit(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model, FitMethod method)
    {
        var spec = LaggedDesign.BuildNested(observations, model);
        var clock = Stopwatch.StartNew();
        var fit = MixedModelFitter.Fit(spec, method);
        clock.Stop();
        return AnalysisReportBuilder.ToReport(model.Name + NameSuffix, Estimator.PersonMeanCentred, Formula(model), fit, clock.Elapsed.TotalSeconds);
    }
}
