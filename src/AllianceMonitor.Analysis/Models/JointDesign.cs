using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The stacked frame of a <see cref="JointModel"/>: one outcome row and one predictor row per lag pair, in one response
/// vector. The predictor rows are multiplied by <c>scale</c> (response, their fixed columns and their random columns):
/// that is lme4's prior weight <c>scale^2</c> on those rows, so one residual variance sigma^2 of the stacked model is
/// the outcome equation's, and sigma^2 / scale^2 the predictor equation's.
/// </summary>
public sealed class JointDesign
{
    private readonly List<Row> _rows;

    private JointDesign(JointModel model, List<Row> rows)
    {
        Model = model;
        _rows = rows;
    }

    public JointModel Model { get; }

    /// <summary>Lag pairs with all four values present; each gives two rows of the stacked model.</summary>
    public int Pairs => _rows.Count;

    public int Patients => _rows.Select(r => r.Patient).Distinct(StringComparer.Ordinal).Count();

    /// <summary>
    /// Lag pairs as everywhere (session t with t + 1 exactly), kept when the outcome and the predictor are present at both
    /// sessions; the initial values are each variable's value at the patient's earliest session where it is present.
    /// </summary>
    /// <exception cref="InsufficientDataException">Fewer complete pairs or patients than the model needs.</exception>
    public static JointDesign Build(IReadOnlyCollection<SessionObservation> observations, JointModel model)
    {
        var lagged = model.Lagged;
        var outcomeFirst = InitialConditionsDesign.InitialValues(observations, lagged.Outcome);
        var predictorFirst = InitialConditionsDesign.InitialValues(observations, lagged.Predictor);
        var rows = new List<Row>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var patient = pair.Current.PatientId;
            if (LaggedModelDefinition.Select(pair.Next, lagged.Outcome) is double outcomeNext
                && LaggedModelDefinition.Select(pair.Next, lagged.Predictor) is double predictorNext
                && LaggedModelDefinition.Select(pair.Current, lagged.Outcome) is double outcome
                && LaggedModelDefinition.Select(pair.Current, lagged.Predictor) is double predictor)
            {
                rows.Add(new Row(outcomeNext, predictorNext, outcome, predictor, pair.Current.Session, outcomeFirst[patient], predictorFirst[patient], patient));
            }
        }

        var design = new JointDesign(model, rows);
        var patients = design.Patients;
        var randomCount = model.RandomTerms.Count;
        // Two rows per pair; REML needs more rows than fixed effects.
        var minPairs = (model.FixedTerms.Count / 2) + 1;
        if (rows.Count < minPairs || patients < randomCount + 2)
        {
            throw new InsufficientDataException(
                $"Model {model.Name} has {rows.Count} complete lag pairs from {patients} patients; "
                + $"it needs at least {minPairs} pairs from at least {randomCount + 2} patients.");
        }

        return design;
    }

    /// <summary>The stacked mixed model with the predictor rows multiplied by <paramref name="scale"/>.</summary>
    public MixedModelSpec Spec(double scale)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return Spec(1, scale);
    }

    /// <summary>
    /// The stacked model with the outcome rows multiplied by <paramref name="outcomeFactor"/> and the predictor rows by
    /// <paramref name="predictorFactor"/>; a factor of zero leaves the other kind's rows alone in the products
    /// (<see cref="JointObjective"/>).
    /// </summary>
    internal MixedModelSpec Spec(double outcomeFactor, double predictorFactor)
    {
        var n = _rows.Count;
        var model = Model;
        double[] Stack(Func<Row, double> outcomeRow, Func<Row, double> predictorRow)
        {
            var column = new double[2 * n];
            for (var i = 0; i < n; i++)
            {
                column[i] = outcomeFactor * outcomeRow(_rows[i]);
                column[n + i] = predictorFactor * predictorRow(_rows[i]);
            }

            return column;
        }

        Func<Row, double>[] shared = [_ => 1, r => r.Outcome, r => r.Predictor, r => r.Session, r => r.OutcomeFirst, r => r.PredictorFirst];
        var outcomeColumns = shared.Select(f => Stack(f, _ => 0)).ToArray();
        var predictorColumns = shared.Select(f => Stack(_ => 0, f)).ToArray();
        var fixedTerms = new List<(string, IReadOnlyList<double>)>();
        for (var k = 0; k < shared.Length; k++)
        {
            fixedTerms.Add((JointModel.Term(model.OutcomeEquation, model.SharedRegressors[k]), outcomeColumns[k]));
        }

        for (var k = 0; k < shared.Length; k++)
        {
            fixedTerms.Add((JointModel.Term(model.PredictorEquation, model.SharedRegressors[k]), predictorColumns[k]));
        }

        fixedTerms.Add((model.ContemporaneousTerm, Stack(_ => 0, r => r.OutcomeNext)));

        // Random columns reuse the fixed ones: intercept 0, session 3, predictor 2 of each equation.
        var random = new List<(string, IReadOnlyList<double>)> { (model.RandomTerms[0], outcomeColumns[0]) };
        if (model.OutcomeTrend)
        {
            random.Add((JointModel.Term(model.OutcomeEquation, "session"), outcomeColumns[3]));
        }

        if (model.RandomPredictorSlope)
        {
            random.Add((model.WithinTerm, outcomeColumns[2]));
        }

        random.Add((JointModel.Term(model.PredictorEquation, LaggedModelDefinition.Intercept), predictorColumns[0]));
        if (model.PredictorTrend)
        {
            random.Add((JointModel.Term(model.PredictorEquation, "session"), predictorColumns[3]));
        }

        var groups = new string[2 * n];
        for (var i = 0; i < n; i++)
        {
            groups[i] = groups[n + i] = _rows[i].Patient;
        }

        return MixedModelSpec.Adopt(
            "response",
            Stack(r => r.OutcomeNext, r => r.PredictorNext),
            fixedTerms,
            [new RandomEffectTermData(LaggedModelDefinition.GroupName, groups, random)],
            copy: false);
    }

    /// <summary>
    /// A rough start for the scale: the ratio of the two equations' residual SDs by least squares on each equation's
    /// fixed part alone (random effects ignored).
    /// </summary>
    public double StartScale()
    {
        var spec = Spec(1);
        var n = _rows.Count;
        var p = Model.SharedRegressors.Count;
        double Rss(int firstColumn, int columns, int offset)
        {
            var xtx = new double[columns * columns];
            var xty = new double[columns];
            var y = spec.Response;
            for (var i = offset; i < offset + n; i++)
            {
                for (var a = 0; a < columns; a++)
                {
                    var xa = spec.FixedColumn(firstColumn + a)[i];
                    xty[a] += xa * y[i];
                    for (var b = 0; b <= a; b++)
                    {
                        xtx[(a * columns) + b] += xa * spec.FixedColumn(firstColumn + b)[i];
                    }
                }
            }

            for (var a = 0; a < columns; a++)
            {
                for (var b = a + 1; b < columns; b++)
                {
                    xtx[(a * columns) + b] = xtx[(b * columns) + a];
                }
            }

            if (!SmallDense.CholeskyInPlace(xtx, columns))
            {
                throw new InsufficientDataException($"The fixed part of model {Model.Name} is rank deficient.");
            }

            var beta = (double[])xty.Clone();
            SmallDense.ForwardSolveInPlace(xtx, columns, beta, 1);
            SmallDense.BackSolveTransposedInPlace(xtx, columns, beta);
            var rss = 0.0;
            for (var i = offset; i < offset + n; i++)
            {
                var fitted = 0.0;
                for (var a = 0; a < columns; a++)
                {
                    fitted += beta[a] * spec.FixedColumn(firstColumn + a)[i];
                }

                rss += (y[i] - fitted) * (y[i] - fitted);
            }

            return rss;
        }

        var outcomeRss = Rss(0, p, 0);
        var predictorRss = Rss(p, p + 1, n);
        return predictorRss > 0 ? Math.Sqrt(outcomeRss / predictorRss) : 1;
    }

    private sealed record Row(
        double OutcomeNext, double PredictorNext, double Outcome, double Predictor, int Session, double OutcomeFirst, double PredictorFirst, string Patient);
}
