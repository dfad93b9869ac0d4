using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

public static class TherapistLevelReportBuilder
{
    /// <summary>
    /// Fits the nested lagged models and the alliance split when the data name at least <paramref name="minTherapists"/>
    /// therapists (never fewer than 3); each part is fitted on its own and is null, with its reason, when it cannot be.
    /// </summary>
    public static TherapistLevelReport Build(
        IReadOnlyCollection<SessionObservation> observations, FitMethod method, IEnumerable<LaggedModelDefinition> models, int minTherapists,
        Action<string>? onStage = null)
    {
        var minimum = Math.Max(3, minTherapists);
        var therapists = NestedLaggedModels.CountTherapists(observations);
        if (therapists < minimum)
        {
            var reason = therapists == 0
                ? "therapist level: no session names a therapist."
                : $"therapist level: the data name {therapists} therapists, fewer than the minimum of {minimum}; a therapist variance "
                  + "estimated from so few therapists is mostly noise, so neither the nested models nor the alliance split are fitted.";
            return new TherapistLevelReport(minimum, therapists, null, null, [reason]);
        }

        var reasons = new List<string>();
        List<ModelReport>? nested = [];
        foreach (var model in models)
        {
            onStage?.Invoke($"fitting {model.Name}{NestedLaggedModels.NameSuffix}");
            try
            {
                nested.Add(NestedLaggedModels.Fit(observations, model, method));
            }
            catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
            {
                reasons.Add($"{model.Name}{NestedLaggedModels.NameSuffix}: {e.Message}");
                nested = null;
                break;
            }
        }

        onStage?.Invoke($"fitting {AllianceSplit.Name}");
        AllianceSplitReport? split = null;
        try
        {
            split = Split(AllianceSplit.Fit(observations, method, out var seconds), seconds);
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException)
        {
            reasons.Add($"{AllianceSplit.Name}: {e.Message}");
        }

        return new TherapistLevelReport(minimum, therapists, nested, split, reasons);
    }

    public static AllianceSplitReport Split(AllianceSplitResult result, double fitSeconds) => new(
        AnalysisReportBuilder.ToReport(AllianceSplit.Name, Estimator.PersonMeanCentred, AllianceSplit.Formula, result.Fit, fitSeconds),
        SplitComponentReport.Of(result.Therapist),
        SplitComponentReport.Of(result.Patient),
        SplitComponentReport.Of(result.Session),
        SplitComponentReport.Of(result.TherapistMinusPatient),
        Sentence(result));

    /// <summary>
    /// What the intervals allow one to say about whether the therapist or the patient part carries the link. A part is
    /// said to carry it more only when the interval of the difference excludes zero; one interval excluding zero and the
    /// other not is not a difference (the two could still be equal).
    /// </summary>
    public static string Sentence(AllianceSplitResult r)
    {
        var parts =
            $"Between therapists, a therapist whose patients rate the alliance one point higher on average goes with next-session PHQ-9 "
            + $"{Describe(r.Therapist)}; between patients of the same therapist, one point higher goes with {Describe(r.Patient)} "
            + $"(negative: fewer symptoms). The difference, therapist minus patient, is {Describe(r.TherapistMinusPatient)}";
        string conclusion;
        if (!r.TherapistMinusPatient.ExcludesZero)
        {
            conclusion = ", an interval that includes zero: these data cannot tell whether the therapist or the patient part carries the link "
                + "between alliance and next-session symptoms.";
        }
        else
        {
            var therapistLarger = Math.Abs(r.Therapist.Estimate) > Math.Abs(r.Patient.Estimate);
            conclusion = therapistLarger
                ? ", an interval that excludes zero: in these data the link runs more through which therapist a patient sees than through "
                  + "how a patient's alliance compares with the same therapist's other patients."
                : ", an interval that excludes zero: in these data the link runs more through how a patient's alliance compares with the same "
                  + "therapist's other patients than through which therapist a patient sees.";
        }

        var caveat = $" The therapist part rests on {r.Therapists} therapist means; these are associations in observational data, not proof that "
            + "anyone's alliance causes the change in symptoms"
            + (r.Fit.Singular ? ", and the fit is singular (a variance at zero), so read the intervals with care." : ".")
            + (r.Fit.Converged ? "" : " The fit did not converge.");
        return parts + conclusion + caveat;
    }

    private static string Describe(SplitComponent c) =>
        string.Create(CultureInfo.InvariantCulture, $"{c.Estimate:0.00} points (95% CI {c.CiLow:0.00} to {c.CiHigh:0.00})");
}
