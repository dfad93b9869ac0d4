using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

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
        var predictor = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, model.Predictor));
        var outcome = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, model.Outcome));

        var response = new List<double>();
        var predictorWithin = new List<double>();
        var predictorBetween = new List<double>();
        var outcomeWithin = new List<double>();
        var session = new List<double>();
        var patients = new List<string>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var patient = pair.Current.PatientId;
            var y = LaggedModelDefinition.Select(pair.Next, model.Outcome);
            var pw = predictor.Within(patient, LaggedModelDefinition.Select(pair.Current, model.Predictor));
            var ow = outcome.Within(patient, LaggedModelDefinition.Select(pair.Current, model.Outcome));
            if (y is not double yv || pw is not double pwv || ow is not double owv
                || predictor.Between(patient) is not double pbv)
            {
                continue;
            }

            response.Add(yv);
            predictorWithin.Add(pwv);
            predictorBetween.Add(pbv);
            outcomeWithin.Add(owv);
            session.Add(pair.Current.Session);
            patients.Add(patient);
        }

        var fixedCount = model.FixedTerms.Count;
        var patientCount = patients.Distinct(StringComparer.Ordinal).Count();
        if (response.Count <= fixedCount + 1 || patientCount < 3)
        {
            throw new InsufficientDataException(
                $"Model {model.Name} has {response.Count} complete lag pairs from {patientCount} patients; "
                + $"it needs more than {fixedCount + 1} pairs from at least 3 patients.");
        }

        var ones = Enumerable.Repeat(1.0, response.Count).ToArray();
        return MixedModelSpec.Create(
            model.Response,
            response,
            [
                (LaggedModelDefinition.Intercept, ones),
                (model.PredictorWithin, predictorWithin),
                (model.PredictorBetween, predictorBetween),
                (model.OutcomeWithin, outcomeWithin),
                ("session", session),
            ],
            [(LaggedModelDefinition.Intercept, ones), (model.PredictorWithin, predictorWithin)],
            LaggedModelDefinition.GroupName,
            patients);
    }
}
