using System.Runtime.CompilerServices;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Ruptures;

public sealed partial class ClinicSeries
{
    /// <summary>
    /// The frame of <paramref name="model"/> (alliance_to_symptoms) over these ratings and the given symptom measure,
    /// built straight from the packed columns: the same rows, values and order as
    /// <see cref="LaggedDesign.Build"/> on <see cref="Observations"/>, so the fit is the same bit for bit, without an
    /// observation object, a per-patient dictionary entry keyed by id or a list of row records per lag pair
    /// (at a million ratings those took seconds and a few hundred MB).
    /// </summary>
    /// <remarks>
    /// As in <see cref="LaggedDesign"/>: person means over every session where the variable is present, in the order the
    /// ratings were added; the alliance grand mean is the mean of the person means in that order; a pair is session t
    /// and t + 1 of one patient, kept when the next symptoms and both within parts are present; pairs come by patient
    /// id (ordinal) and session, as <see cref="Data.LagPairs"/> orders them.
    /// </remarks>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public MixedModelSpec LaggedSymptomDesign(string symptomInstrument, LaggedModelDefinition model)
    {
        if (model.Predictor != "alliance" || model.Outcome != "symptoms")
        {
            throw new ArgumentException("The packed series relates alliance to next-session symptoms only.", nameof(model));
        }

        var symptoms = _symptoms.GetValueOrDefault(symptomInstrument);
        var patients = _patients.Count;
        var allianceMeans = new double[patients];
        var symptomMeans = new double[patients];
        double meanSum = 0;
        for (var p = 0; p < patients; p++)
        {
            var (start, end) = Range(p);
            double sum = 0, symptomSum = 0;
            var symptomCount = 0;
            for (var i = start; i < end; i++)
            {
                sum += _values[i];
                if (symptoms is not null && !double.IsNaN(symptoms[i]))
                {
                    symptomSum += symptoms[i];
                    symptomCount++;
                }
            }

            allianceMeans[p] = sum / (end - start);
            symptomMeans[p] = symptomCount > 0 ? symptomSum / symptomCount : double.NaN;

            // Enumerable.Average's loop: the first value, then each next one added.
            meanSum = p == 0 ? allianceMeans[p] : meanSum + allianceMeans[p];
        }

        var grandMean = patients == 0 ? double.NaN : meanSum / patients;

        // Pairs by patient id, ordinal, as LagPairs returns them whichever order the patients were added in. The refit's
        // read adds them in that order already (uuid order is the ordinal order of their text), so one pass checks it
        // instead of a sort's million string comparisons.
        var order = Enumerable.Range(0, patients).ToArray();
        if (!InOrdinalOrder(_patients))
        {
            Array.Sort(order, (a, b) => string.CompareOrdinal(_patients[a], _patients[b]));
        }
        var rows = 0;
        var withPairs = 0;
        foreach (var p in order)
        {
            var count = CompletePairs(p, symptoms, symptomMeans[p], null);
            rows += count;
            withPairs += count > 0 ? 1 : 0;
        }

        var fixedCount = model.FixedTerms.Count;
        if (rows <= fixedCount + 1 || withPairs < 3)
        {
            throw new InsufficientDataException(
                $"Model {model.Name} has {rows} complete lag pairs from {withPairs} patients; "
                + $"it needs more than {fixedCount + 1} pairs from at least 3 patients.");
        }

        var frame = new PairColumns(rows);
        foreach (var p in order)
        {
            frame.Between = allianceMeans[p] - grandMean;
            frame.AllianceMean = allianceMeans[p];
            CompletePairs(p, symptoms, symptomMeans[p], frame);
        }

        var ones = Enumerable.Repeat(1.0, rows).ToArray();
        return MixedModelSpec.Adopt(
            model.Response,
            frame.Response,
            [
                (LaggedModelDefinition.Intercept, ones),
                (model.PredictorWithin, frame.PredictorWithin),
                (model.PredictorBetween, frame.PredictorBetween),
                (model.OutcomeWithin, frame.OutcomeWithin),
                ("session", frame.Session),
            ],
            [new RandomEffectTermData(LaggedModelDefinition.GroupName, frame.Patients, [(LaggedModelDefinition.Intercept, ones), (model.PredictorWithin, frame.PredictorWithin)])],
            copy: false);
    }

    private static bool InOrdinalOrder(List<string> ids)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            if (string.CompareOrdinal(ids[i - 1], ids[i]) > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Counts (and with <paramref name="frame"/>, writes) one patient's complete lag pairs.</summary>
    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CompletePairs(int patient, List<double>? symptoms, double symptomMean, PairColumns? frame)
    {
        if (symptoms is null || double.IsNaN(symptomMean))
        {
            return 0;
        }

        var (start, end) = Range(patient);
        var count = 0;
        for (var i = start; i + 1 < end; i++)
        {
            if (_sessions[i + 1] != _sessions[i] + 1 || double.IsNaN(symptoms[i + 1]) || double.IsNaN(symptoms[i]))
            {
                continue;
            }

            count++;
            if (frame is not null)
            {
                var row = frame.Next++;
                frame.Response[row] = symptoms[i + 1];
                frame.PredictorWithin[row] = _values[i] - frame.AllianceMean;
                frame.PredictorBetween[row] = frame.Between;
                frame.OutcomeWithin[row] = symptoms[i] - symptomMean;
                frame.Session[row] = _sessions[i];
                frame.Patients[row] = _patients[patient];
            }
        }

        return count;
    }

    private sealed class PairColumns(int rows)
    {
        public double[] Response { get; } = new double[rows];

        public double[] PredictorWithin { get; } = new double[rows];

        public double[] PredictorBetween { get; } = new double[rows];

        public double[] OutcomeWithin { get; } = new double[rows];

        public double[] Session { get; } = new double[rows];

        public string[] Patients { get; } = new string[rows];

        public int Next { get; set; }

        public double AllianceMean { get; set; }

        public double Between { get; set; }
    }
}
