using System.Diagnostics;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Cli;

/// <summary>
/// The lagged models with patients nested in therapists, for <c>analyze --therapist-level</c>:
/// <c>... + (1 | therapist_id) + (1 + x_within | therapist_id:patient_id)</c>. Only the person-mean-centred
/// estimator has this form in the library, so these are person-mean-centred fits.
/// </summary>
public static class TherapistLevelModels
{
    /// <summary>
    /// A therapist variance is estimated from one random intercept per therapist: with one or two there is nothing
    /// to separate it from the fixed intercept, the same floor the therapist shares use.
    /// </summary>
    public const int MinTherapists = 3;

    public const string NameSuffix = "_nested";

    public static string Formula(LaggedModelDefinition model) =>
        $"{model.Response} ~ {model.PredictorWithin} + {model.PredictorBetween} + {model.OutcomeWithin} + session"
        + $" + (1 | {LaggedModelDefinition.TherapistGroupName}) + (1 + {model.PredictorWithin} | {LaggedModelDefinition.TherapistPatientGroupName})";

    /// <exception cref="InputException">The data name no therapist, or fewer than <see cref="MinTherapists"/>.</exception>
    public static void RequireTherapists(IReadOnlyCollection<SessionObservation> observations, string path)
    {
        var therapists = observations.Where(o => o.TherapistId is not null).Select(o => o.TherapistId!).Distinct(StringComparer.Ordinal).Count();
        if (therapists == 0)
        {
            throw new InputException($"{path}: --therapist-level needs the therapist_id column filled in; every row leaves it empty.");
        }

        if (therapists < MinTherapists)
        {
            throw new InputException($"{path}: --therapist-level needs at least {MinTherapists} therapists; the data name {therapists}.");
        }
    }

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
