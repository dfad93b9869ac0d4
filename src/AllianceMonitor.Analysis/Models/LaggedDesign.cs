using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>A moderated lagged model's frame and the number of complete pairs per modality in it (the first level is the reference).</summary>
public sealed record ModeratedLaggedDesign(MixedModelSpec Spec, IReadOnlyDictionary<string, int> Pairs);

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
        return ToSpec(rows, model, nested: false);
    }

    /// <summary>
    /// The same frame for <c>(1 | therapist_id) + (1 + x | therapist_id:patient_id)</c>. The
    /// decomposition uses all sessions, as in <see cref="Build"/>; pairs whose session t has no
    /// therapist are then dropped (as lme4 drops rows with a missing grouping factor).
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public static MixedModelSpec BuildNested(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model)
    {
        var rows = CollectRows(observations, model).Where(r => r.Therapist is not null).ToList();
        return ToSpec(rows, model, nested: true);
    }

    /// <summary>
    /// The frame of a lagged model whose within-patient predictor slope differs by modality:
    /// <c>y ~ x_within:modality_L1 + ... + x_within:modality_Lk + modality_L2 + ... + modality_Lk + x_between + y_within + session
    /// + (1 + x_within | patient_id)</c>, one slope per level (so each level's within-patient effect and its interval are read
    /// directly; the fit is the interaction model <c>x_within * modality</c> reparametrised) and a dummy per level but the
    /// reference. The modality of a pair is that of session t, where the predictor was rated; pairs in any other modality
    /// (or none) are dropped, and levels without pairs are left out. Decomposition as in <see cref="Build"/>, over all sessions.
    /// </summary>
    /// <param name="levels">The modalities, the reference first.</param>
    /// <param name="commonSlope">
    /// One <c>x_within</c> slope for all levels instead of one per level (the dummies stay): the model without the
    /// interaction, against which the likelihood-ratio test of the moderation compares.
    /// </param>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public static ModeratedLaggedDesign BuildModerated(
        IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model,
        Func<SessionObservation, string?> modality, IReadOnlyList<string> levels, bool commonSlope = false)
    {
        var rows = CollectRows(observations, model, modality).Where(r => r.Modality is not null && levels.Contains(r.Modality)).ToList();
        var present = levels.Where(l => rows.Any(r => r.Modality == l)).ToList();
        var fixedCount = (2 * present.Count) + 3;
        var patientCount = rows.Select(r => r.Patient).Distinct(StringComparer.Ordinal).Count();
        if (present.Count == 0 || rows.Count <= fixedCount + 1 || patientCount < 3)
        {
            throw new InsufficientDataException(
                $"Model {model.Name} by modality has {rows.Count} complete lag pairs from {patientCount} patients; "
                + $"it needs more than {fixedCount + 1} pairs from at least 3 patients.");
        }

        var ones = Enumerable.Repeat(1.0, rows.Count).ToArray();
        var fixedTerms = new List<(string Term, IReadOnlyList<double> Column)> { (LaggedModelDefinition.Intercept, ones) };
        if (commonSlope)
        {
            fixedTerms.Add((model.PredictorWithin, rows.Select(r => r.PredictorWithin).ToArray()));
        }
        else
        {
            fixedTerms.AddRange(present.Select(l => (ModeratedSlope(model, l), (IReadOnlyList<double>)rows.Select(r => r.Modality == l ? r.PredictorWithin : 0.0).ToArray())));
        }

        fixedTerms.AddRange(present.Skip(1).Select(l => (ModalityDummy(l), (IReadOnlyList<double>)rows.Select(r => r.Modality == l ? 1.0 : 0.0).ToArray())));
        fixedTerms.Add((model.PredictorBetween, rows.Select(r => r.PredictorBetween).ToArray()));
        fixedTerms.Add((model.OutcomeWithin, rows.Select(r => r.OutcomeWithin).ToArray()));
        fixedTerms.Add(("session", rows.Select(r => (double)r.Session).ToArray()));
        var spec = MixedModelSpec.Adopt(
            model.Response,
            rows.Select(r => r.Response).ToArray(),
            fixedTerms,
            [new RandomEffectTermData(
                LaggedModelDefinition.GroupName,
                rows.Select(r => r.Patient).ToArray(),
                [(LaggedModelDefinition.Intercept, ones), (model.PredictorWithin, rows.Select(r => r.PredictorWithin).ToArray())])],
            copy: false);
        return new ModeratedLaggedDesign(spec, present.ToDictionary(l => l, l => rows.Count(r => r.Modality == l)));
    }

    /// <summary>Complete lag pairs per modality (the modality of session t), as <see cref="BuildModerated"/> would count them.</summary>
    public static IReadOnlyDictionary<string, int> CountModerated(
        IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model, Func<SessionObservation, string?> modality) =>
        CollectRows(observations, model, modality).Where(r => r.Modality is not null)
            .GroupBy(r => r.Modality!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    public static string ModeratedSlope(LaggedModelDefinition model, string level) => $"{model.PredictorWithin}:modality_{level}";

    public static string ModalityDummy(string level) => $"modality_{level}";

    private readonly record struct DesignRow(
        double Response, double PredictorWithin, double PredictorBetween, double OutcomeWithin, int Session, string Patient, string? Therapist,
        string? Modality = null);

    private static List<DesignRow> CollectRows(
        IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model, Func<SessionObservation, string?>? modality = null)
    {
        var predictor = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, model.Predictor));
        var outcome = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, model.Outcome));
        // Sized once for the most pairs there can be: growing a list of a clinic's million pairs copies it again and again.
        var rows = new List<DesignRow>(observations.Count);
        foreach (var pair in LagPairs.Build(observations))
        {
            var patient = pair.Current.PatientId;
            var y = LaggedModelDefinition.Select(pair.Next, model.Outcome);
            var pw = predictor.Within(patient, LaggedModelDefinition.Select(pair.Current, model.Predictor));
            var ow = outcome.Within(patient, LaggedModelDefinition.Select(pair.Current, model.Outcome));
            if (y is double yv && pw is double pwv && ow is double owv && predictor.Between(patient) is double pbv)
            {
                rows.Add(new DesignRow(yv, pwv, pbv, owv, pair.Current.Session, patient, pair.Current.TherapistId, modality?.Invoke(pair.Current)));
            }
        }

        return rows;
    }

    /// <summary>With <paramref name="nested"/>, the patient term groups therapist:patient and a therapist intercept term follows it.</summary>
    private static MixedModelSpec ToSpec(List<DesignRow> rows, LaggedModelDefinition model, bool nested)
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
            nested
                ?
                [
                    new RandomEffectTermData(
                        LaggedModelDefinition.TherapistPatientGroupName,
                        NestedGroupKeys.Of(rows, r => r.Therapist!, r => r.Patient),
                        [(LaggedModelDefinition.Intercept, ones), (model.PredictorWithin, predictorWithin)]),
                    new RandomEffectTermData(
                        LaggedModelDefinition.TherapistGroupName, rows.Select(r => r.Therapist!).ToArray(), [(LaggedModelDefinition.Intercept, ones)]),
                ]
                : [new RandomEffectTermData(LaggedModelDefinition.GroupName, rows.Select(r => r.Patient).ToArray(), [(LaggedModelDefinition.Intercept, ones), (model.PredictorWithin, predictorWithin)])],
            copy: false);
    }
}
