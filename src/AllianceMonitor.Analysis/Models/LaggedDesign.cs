using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>A lagged model's design with a therapist level: the spec groups therapist:patient, nested in <see cref="Therapists"/>.</summary>
public sealed record NestedLaggedDesign(MixedModelSpec Spec, IReadOnlyList<string> Therapists)
{
    public const string TherapistGroupName = "therapist_id";

    public const string TherapistPatientGroupName = "therapist_id:patient_id";
}

public static class LaggedDesign
{
    /// <summary>
    /// Builds the model frame of a lagged model. Person means are computed over all of a patient's
    /// sessions where the variable is present, before lagging, so the last session (which has no
    /// successor) still contributes to the mean. Pairs with any missing value are dropped.
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public static MixedModelSpec Build(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model)
    {
        var rows = CollectRows(observations, model);
        return ToSpec(rows, model, LaggedModelDefinition.GroupName, r => r.Patient);
    }

    /// <summary>
    /// The same frame for <c>(1 | therapist_id) + (1 + x | therapist_id:patient_id)</c>. The
    /// decomposition uses all sessions, as in <see cref="Build"/>; pairs whose session t has no
    /// therapist are then dropped (as lme4 drops rows with a missing grouping factor).
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public static NestedLaggedDesign BuildNested(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model)
    {
        var rows = CollectRows(observations, model).Where(r => r.Therapist is not null).ToList();
        var spec = ToSpec(rows, model, NestedLaggedDesign.TherapistPatientGroupName, r => $"{r.Therapist}:{r.Patient}");
        return new NestedLaggedDesign(spec, rows.Select(r => r.Therapist!).ToArray());
    }

    private readonly record struct DesignRow(
        double Response, double PredictorWithin, double PredictorBetween, double OutcomeWithin, int Session, string Patient, string? Therapist);

    private static List<DesignRow> CollectRows(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model)
    {
        var predictor = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, model.Predictor));
        var outcome = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, model.Outcome));
        var rows = new List<DesignRow>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var patient = pair.Current.PatientId;
            var y = LaggedModelDefinition.Select(pair.Next, model.Outcome);
            var pw = predictor.Within(patient, LaggedModelDefinition.Select(pair.Current, model.Predictor));
            var ow = outcome.Within(patient, LaggedModelDefinition.Select(pair.Current, model.Outcome));
            if (y is double yv && pw is double pwv && ow is double owv && predictor.Between(patient) is double pbv)
            {
                rows.Add(new DesignRow(yv, pwv, pbv, owv, pair.Current.Session, patient, pair.Current.TherapistId));
            }
        }

        return rows;
    }

    private static MixedModelSpec ToSpec(
        List<DesignRow> rows, LaggedModelDefinition model, string groupName, Func<DesignRow, string> group)
    {
        var fixedCount = model.FixedTerms.Count;
        var patientCount = rows.Select(r => r.Patient).Distinct(StringComparer.Ordinal).Count();
        if (rows.Count <= fixedCount + 1 || patientCount < 3)
        {
            throw new InsufficientDataException(
                $"Model {model.Name} has {rows.Count} complete lag pairs from {patientCount} patients; "
                + $"it needs more than {fixedCount + 1} pairs from at least 3 patients.");
        }

        var ones = Enumerable.Repeat(1.0, rows.Count).ToArray();
        var predictorWithin = rows.Select(r => r.PredictorWithin).ToArray();
        return MixedModelSpec.Adopt(
            model.Response,
            rows.Select(r => r.Response).ToArray(),
            [
                (LaggedModelDefinition.Intercept, ones),
                (model.PredictorWithin, predictorWithin),
                (model.PredictorBetween, rows.Select(r => r.PredictorBetween).ToArray()),
                (model.OutcomeWithin, rows.Select(r => r.OutcomeWithin).ToArray()),
                ("session", rows.Select(r => (double)r.Session).ToArray()),
            ],
            [(LaggedModelDefinition.Intercept, ones), (model.PredictorWithin, predictorWithin)],
            groupName,
            rows.Select(group).ToArray(),
            copy: false);
    }
}
