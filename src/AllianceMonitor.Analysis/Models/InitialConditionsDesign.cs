using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

public static class InitialConditionsDesign
{
    /// <summary>
    /// Builds the frame of an initial-conditions model. The predictor's person mean is taken over all of the patient's
    /// sessions, as in <see cref="LaggedDesign.Build"/>; the initial outcome is the outcome at the patient's earliest
    /// session where it is present (whatever pairs survive). Lag pairs as everywhere: session t with t + 1 exactly;
    /// pairs with a missing value are dropped.
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public static MixedModelSpec Build(IReadOnlyCollection<SessionObservation> observations, InitialConditionsModel model)
    {
        var lagged = model.Lagged;
        var predictor = PersonMeanDecomposition.Of(observations, r => LaggedModelDefinition.Select(r, lagged.Predictor));
        var first = InitialValues(observations, lagged.Outcome);
        var rows = new List<(double Y, double Within, double Between, double Lag, double First, int Session, string Patient)>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var patient = pair.Current.PatientId;
            if (LaggedModelDefinition.Select(pair.Next, lagged.Outcome) is double y
                && predictor.Within(patient, LaggedModelDefinition.Select(pair.Current, lagged.Predictor)) is double within
                && predictor.Between(patient) is double between
                && LaggedModelDefinition.Select(pair.Current, lagged.Outcome) is double lag)
            {
                // A present lagged outcome means the patient has a first outcome.
                rows.Add((y, within, between, lag, first[patient], pair.Current.Session, patient));
            }
        }

        var patientCount = rows.Select(r => r.Patient).Distinct(StringComparer.Ordinal).Count();
        if (rows.Count <= model.FixedTerms.Count + 1 || patientCount < 3)
        {
            throw new InsufficientDataException(
                $"Model {model.Name} has {rows.Count} complete lag pairs from {patientCount} patients; "
                + $"it needs more than {model.FixedTerms.Count + 1} pairs from at least 3 patients.");
        }

        var ones = Enumerable.Repeat(1.0, rows.Count).ToArray();
        var predictorWithin = rows.Select(r => r.Within).ToArray();
        return MixedModelSpec.Adopt(
            lagged.Response,
            rows.Select(r => r.Y).ToArray(),
            [
                (LaggedModelDefinition.Intercept, ones),
                (lagged.PredictorWithin, predictorWithin),
                (lagged.PredictorBetween, rows.Select(r => r.Between).ToArray()),
                (model.LaggedOutcome, rows.Select(r => r.Lag).ToArray()),
                (model.InitialOutcome, rows.Select(r => r.First).ToArray()),
                ("session", rows.Select(r => (double)r.Session).ToArray()),
            ],
            [new RandomEffectTermData(
                LaggedModelDefinition.GroupName,
                rows.Select(r => r.Patient).ToArray(),
                [(LaggedModelDefinition.Intercept, ones), (lagged.PredictorWithin, predictorWithin)])],
            copy: false);
    }

    /// <summary>Each patient's value of the variable at their lowest-numbered session where it is present.</summary>
    public static IReadOnlyDictionary<string, double> InitialValues(IEnumerable<SessionObservation> observations, string variable)
    {
        var first = new Dictionary<string, (int Session, double Value)>(StringComparer.Ordinal);
        foreach (var row in observations)
        {
            if (LaggedModelDefinition.Select(row, variable) is double value
                && (!first.TryGetValue(row.PatientId, out var seen) || row.Session < seen.Session))
            {
                first[row.PatientId] = (row.Session, value);
            }
        }

        return first.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);
    }
}
