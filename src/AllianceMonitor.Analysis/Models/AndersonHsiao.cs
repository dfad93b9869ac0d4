using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// The Anderson–Hsiao (1981) instrumental-variable estimate of a lagged model: a closed-form check on the mixed models.
/// First differences remove the patient's stable level, so nothing is centred on a mean that includes the future:
/// <c>Δy(t+1) = c + ρ Δy(t) + β Δx(t) + Δe(t+1)</c>, where Δy(t) shares e(t) with the error and is instrumented by
/// the level y(t−1), and Δx(t) by x(t−1), which also keeps β consistent when the outcome feeds back into the
/// predictor. The constant is the differenced linear trend (the models' <c>session</c>). Just identified, so the
/// estimate is (Z'X)⁻¹Z'y; standard errors are cluster-robust by patient (sandwich with the G/(G−1) factor).
/// It needs three consecutive sessions per equation and has more variance than the mixed models.
/// </summary>
public static class AndersonHsiao
{
    private const double NormalQuantile975 = 1.959963984540054;

    public static string WithinTerm(LaggedModelDefinition model) => $"{model.Predictor}_diff";

    public static string CarryOverTerm(LaggedModelDefinition model) => $"{model.Outcome}_diff";

    /// <summary>Fits the differenced equation; the estimates are named (Intercept), the outcome's and the predictor's differences.</summary>
    /// <exception cref="InsufficientDataException">Fewer than 3 patients with an equation, or no more equations than 3.</exception>
    /// <exception cref="InvalidOperationException">The instruments do not identify the coefficients (Z'X singular).</exception>
    public static IReadOnlyList<FixedEffect> Fit(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model)
    {
        var rows = Equations(observations, model);
        var patients = rows.Select(r => r.Patient).Distinct(StringComparer.Ordinal).Count();
        if (rows.Count <= 3 || patients < 3)
        {
            throw new InsufficientDataException(
                $"Anderson–Hsiao for {model.Name} has {rows.Count} equations (three consecutive sessions) from {patients} patients; "
                + "it needs more than 3 equations from at least 3 patients.");
        }

        var zx = new double[9];
        var zy = new double[3];
        foreach (var r in rows)
        {
            for (var i = 0; i < 3; i++)
            {
                zy[i] += r.Z[i] * r.Y;
                for (var j = 0; j < 3; j++)
                {
                    zx[(i * 3) + j] += r.Z[i] * r.X[j];
                }
            }
        }

        var inverse = Invert3(zx) ?? throw new InvalidOperationException($"The Anderson–Hsiao instruments do not identify {model.Name} on these data.");
        var beta = Multiply(inverse, zy);
        var meat = new double[9];
        foreach (var patient in rows.GroupBy(r => r.Patient, StringComparer.Ordinal))
        {
            var score = new double[3];
            foreach (var r in patient)
            {
                var residual = r.Y - ((r.X[0] * beta[0]) + (r.X[1] * beta[1]) + (r.X[2] * beta[2]));
                for (var i = 0; i < 3; i++)
                {
                    score[i] += r.Z[i] * residual;
                }
            }

            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    meat[(i * 3) + j] += score[i] * score[j];
                }
            }
        }

        var factor = patients / (patients - 1.0);
        string[] terms = [LaggedModelDefinition.Intercept, CarryOverTerm(model), WithinTerm(model)];
        return terms.Select((term, k) =>
        {
            // Variance of coefficient k: row k of (Z'X)⁻¹ times the meat times its transpose.
            var variance = 0.0;
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    variance += inverse[(k * 3) + i] * meat[(i * 3) + j] * inverse[(k * 3) + j];
                }
            }

            var se = Math.Sqrt(factor * variance);
            return new FixedEffect(term, beta[k], se, beta[k] / se, beta[k] - (NormalQuantile975 * se), beta[k] + (NormalQuantile975 * se));
        }).ToArray();
    }

    private sealed record Equation(string Patient, double Y, double[] X, double[] Z);

    /// <summary>Sessions t − 1, t and t + 1 of one patient, all present with both values.</summary>
    private static List<Equation> Equations(IReadOnlyCollection<SessionObservation> observations, LaggedModelDefinition model)
    {
        var byKey = new Dictionary<(string, int), SessionObservation>();
        foreach (var row in observations)
        {
            byKey[(row.PatientId, row.Session)] = row;
        }

        var equations = new List<Equation>();
        foreach (var pair in LagPairs.Build(observations))
        {
            var (current, next) = (pair.Current, pair.Next);
            if (byKey.TryGetValue((current.PatientId, current.Session - 1), out var previous)
                && LaggedModelDefinition.Select(next, model.Outcome) is double y1
                && LaggedModelDefinition.Select(current, model.Outcome) is double y0
                && LaggedModelDefinition.Select(previous, model.Outcome) is double yPrevious
                && LaggedModelDefinition.Select(current, model.Predictor) is double x0
                && LaggedModelDefinition.Select(previous, model.Predictor) is double xPrevious)
            {
                equations.Add(new Equation(current.PatientId, y1 - y0, [1, y0 - yPrevious, x0 - xPrevious], [1, yPrevious, xPrevious]));
            }
        }

        return equations;
    }

    private static double[] Multiply(double[] matrix, double[] vector) =>
        [.. Enumerable.Range(0, 3).Select(i => (matrix[i * 3] * vector[0]) + (matrix[(i * 3) + 1] * vector[1]) + (matrix[(i * 3) + 2] * vector[2]))];

    /// <summary>The inverse of a row-major 3 × 3 matrix by cofactors; null when it is (numerically) singular.</summary>
    private static double[]? Invert3(double[] m)
    {
        var c = new[]
        {
            (m[4] * m[8]) - (m[5] * m[7]), (m[2] * m[7]) - (m[1] * m[8]), (m[1] * m[5]) - (m[2] * m[4]),
            (m[5] * m[6]) - (m[3] * m[8]), (m[0] * m[8]) - (m[2] * m[6]), (m[2] * m[3]) - (m[0] * m[5]),
            (m[3] * m[7]) - (m[4] * m[6]), (m[1] * m[6]) - (m[0] * m[7]), (m[0] * m[4]) - (m[1] * m[3]),
        };
        var determinant = (m[0] * c[0]) + (m[1] * c[3]) + (m[2] * c[6]);
        var scale = m.Max(Math.Abs);
        if (!(Math.Abs(determinant) > 1e-12 * scale * scale * scale))
        {
            return null;
        }

        return [.. c.Select(v => v / determinant)];
    }
}
