using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// Covariances of a joint fit's fixed effects that do not treat the variance parameters as known: the inverse of the
/// full observed information of the (ML) log-likelihood in (beta, G, sigma_outcome^2, sigma_predictor^2), and the
/// M-estimation sandwich H^-1 [sum_i s_i s_i'] H^-1 of the same per-patient scores.
/// </summary>
/// <remarks>
/// Why: lme4's vcov is the beta block of the information with the cross terms between beta and the variance parameters
/// set to their expectation under fixed regressors, zero. With lagged (predetermined) regressors the observed cross
/// terms, sum_i X_i' V_i^-1 (dV_i/dpsi) V_i^-1 r_i, do not average to zero, and the beta block of the inverse is larger.
/// V_i = Z_i G Z_i' + diag(sigma^2 on outcome rows, sigma^2 / scale^2 on predictor rows) on the unscaled rows; V is linear
/// in its parameters, so the Hessian needs only first derivatives of V. Evaluated at the fit's values (REML there, so the
/// variance scores sum to nearly, not exactly, zero).
/// </remarks>
public static class JointInformation
{
    /// <summary>The covariances of a joint fit's fixed effects at its estimates.</summary>
    /// <param name="scaledSpec">The stacked spec at <paramref name="scale"/> (predictor rows, the second half, multiplied by it).</param>
    public static JointFullCovariance Compute(MixedModelSpec scaledSpec, MixedModelFit fit, double scale)
    {
        var p = scaledSpec.FixedTerms.Count;
        var pairs = scaledSpec.ObservationCount / 2;
        var rowScale = Enumerable.Range(0, scaledSpec.ObservationCount).Select(r => r >= pairs ? 1 / scale : 1).ToArray();
        var rowClass = Enumerable.Range(0, scaledSpec.ObservationCount).Select(r => r >= pairs ? 1 : 0).ToArray();
        var parameters = Parameters.At(fit, [fit.ResidualVariance, fit.ResidualVariance / (scale * scale)]);
        var (information, sandwich) = Covariances(Derivatives(scaledSpec, rowScale, rowClass, parameters), p);
        return new JointFullCovariance(scaledSpec.FixedTerms, ToRows(information, p), ToRows(sandwich, p));
    }

    private static double[][] ToRows(double[] matrix, int p) =>
        Enumerable.Range(0, p).Select(r => matrix.AsSpan(r * p, p).ToArray()).ToArray();

    /// <summary>The parameters of the log-likelihood: beta, G (q x q, symmetric) and one residual variance per row class.</summary>
    public sealed record Parameters(double[] Beta, double[,] G, double[] ResidualVariances)
    {
        /// <summary>A one-factor fit's values, with the given residual variances (the fit's own for one class).</summary>
        public static Parameters At(MixedModelFit fit, double[] residualVariances) =>
            new(fit.FixedEffects.Select(f => f.Estimate).ToArray(), CovarianceOfRandomEffects(fit.Theta, fit.VarianceComponents.Count, fit.ResidualVariance), residualVariances);
    }

    /// <summary>
    /// The per-patient scores and the summed Hessian of the log-likelihood, in the order beta, G's lower triangle
    /// (column by column within each a: (a, a), (a + 1, a), ...), then the residual variances.
    /// </summary>
    public sealed record LogLikelihoodDerivatives(double[][] Scores, double[,] Hessian)
    {
        public double[] ScoreSum => Enumerable.Range(0, Hessian.GetLength(0)).Select(j => Scores.Sum(s => s[j])).ToArray();
    }

    /// <summary>The inverse information and the sandwich, the fixed-effects blocks.</summary>
    public static (double[] Information, double[] Sandwich) Covariances(LogLikelihoodDerivatives derivatives, int p)
    {
        var total = derivatives.Hessian.GetLength(0);
        var inverse = Inverse(derivatives.Hessian);
        var information = new double[p * p];
        var sandwich = new double[p * p];
        var clusters = derivatives.Scores.Length;
        var outer = new double[total, total];
        foreach (var score in derivatives.Scores)
        {
            for (var a = 0; a < total; a++)
            {
                for (var b = 0; b < total; b++)
                {
                    outer[a, b] += score[a] * score[b];
                }
            }
        }

        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b < p; b++)
            {
                information[(a * p) + b] = -inverse[a, b];
                var s = 0.0;
                for (var c = 0; c < total; c++)
                {
                    for (var d = 0; d < total; d++)
                    {
                        s += inverse[a, c] * outer[c, d] * inverse[d, b];
                    }
                }

                sandwich[(a * p) + b] = s * clusters / (clusters - 1);
            }
        }

        return (information, sandwich);
    }

    /// <param name="spec">The model; rows are multiplied by <paramref name="rowScale"/> to give the data of the likelihood.</param>
    /// <param name="rowClass">Which residual variance each row has.</param>
    /// <remarks>
    /// Each dV_j is a rank-one or rank-two product of Z's columns (G) or a diagonal indicator (residual variances), so
    /// V^-1 dV_j is formed in O(n^2) from V^-1 Z or V^-1 itself, never as a dense product: O(n^2 (p + K^2)) per patient
    /// for K variance parameters instead of O(n^3 K), with the workspaces reused across patients.
    /// </remarks>
    public static LogLikelihoodDerivatives Derivatives(MixedModelSpec spec, double[] rowScale, int[] rowClass, Parameters parameters)
    {
        var term = spec.RandomEffects[0];
        int p = spec.FixedTerms.Count, q = term.Q;
        var classes = parameters.ResidualVariances.Length;
        var varianceCount = (q * (q + 1) / 2) + classes;
        var total = p + varianceCount;
        var beta = parameters.Beta;
        var g = parameters.G;
        var residualVariance = parameters.ResidualVariances;

        // The variance parameters in score order: G's (a, b), b >= a, then one per class (a = -1 - class).
        var pairs = new List<(int A, int B)>();
        for (var a = 0; a < q; a++)
        {
            for (var b = a; b < q; b++)
            {
                pairs.Add((a, b));
            }
        }

        for (var c = 0; c < classes; c++)
        {
            pairs.Add((-1 - c, -1));
        }

        var hessian = new double[total, total];
        var blocks = Enumerable.Range(0, term.Levels.Count).Select(_ => new List<int>()).ToArray();
        for (var r = 0; r < term.GroupIndex.Length; r++)
        {
            blocks[term.GroupIndex[r]].Add(r);
        }

        var patients = blocks.Where(b => b.Count > 0).ToArray();
        var largest = blocks.Max(b => b.Count);
        var scores = new double[patients.Length][];
        var contributions = new double[Math.Min(PatientsPerBatch, patients.Length)][];
        for (var start = 0; start < patients.Length; start += PatientsPerBatch)
        {
            // Each patient's terms in parallel into its own slot, then added to the Hessian in patient order: the same
            // additions in the same order as one pass over the patients, so the result does not depend on the cores.
            var count = Math.Min(PatientsPerBatch, patients.Length - start);
            var first = start;
            Parallel.For(
                0,
                count,
                () => new Workspace(largest, p, q, varianceCount),
                (i, _, ws) =>
                {
                    var contribution = contributions[i] ??= new double[total * total];
                    scores[first + i] = Patient(spec, term, rowScale, rowClass, beta, g, residualVariance, pairs, patients[first + i], ws, contribution);
                    return ws;
                },
                _ => { });
            for (var i = 0; i < count; i++)
            {
                var contribution = contributions[i];
                for (var a = 0; a < total; a++)
                {
                    for (var b = 0; b < total; b++)
                    {
                        // The fixed effects' rows and columns are subtracted, the variance parameters' block added.
                        if (a < p || b < p)
                        {
                            hessian[a, b] -= contribution[(a * total) + b];
                        }
                        else
                        {
                            hessian[a, b] += contribution[(a * total) + b];
                        }
                    }
                }
            }
        }

        return new LogLikelihoodDerivatives(scores, hessian);
    }

    /// <summary>Patients whose terms are held at once before they are added in order (about 3.6 MB of terms).</summary>
    private const int PatientsPerBatch = 1024;

    /// <summary>One thread's scratch space for <see cref="Patient"/>, sized for the largest patient.</summary>
    private sealed class Workspace(int largest, int p, int q, int varianceCount)
    {
        public double[] X { get; } = new double[largest * p];
        public double[] Z { get; } = new double[largest * q];
        public double[] Residual { get; } = new double[largest];
        public int[] Cls { get; } = new int[largest];
        public double[] V { get; } = new double[largest * largest];
        public double[] Vz { get; } = new double[largest * q];
        public double[] Vx { get; } = new double[largest * p];
        public double[] W { get; } = new double[largest];
        public double[] Zw { get; } = new double[q];
        public double[] Dw { get; } = new double[varianceCount * largest];
        public double[] Pw { get; } = new double[varianceCount * largest];
        public double[] Pj { get; } = new double[varianceCount * largest * largest];
    }

    /// <summary>
    /// One patient's score, and in <paramref name="contribution"/> (total x total) what the patient adds to every element
    /// of the Hessian (subtracted for the fixed effects' rows and columns, added for the variance parameters' block).
    /// </summary>
    private static double[] Patient(
        MixedModelSpec spec, RandomEffectTerm term, double[] rowScale, int[] rowClass, double[] beta, double[,] g, double[] residualVariance,
        List<(int A, int B)> pairs, List<int> rows, Workspace ws, double[] contribution)
    {
        int p = spec.FixedTerms.Count, q = term.Q;
        var varianceCount = pairs.Count;
        var total = p + varianceCount;
        var (x, z, residual, cls, v, vz, vx, w, zw, dw, pw, pj) = (ws.X, ws.Z, ws.Residual, ws.Cls, ws.V, ws.Vz, ws.Vx, ws.W, ws.Zw, ws.Dw, ws.Pw, ws.Pj);

        var n = rows.Count;
        for (var i = 0; i < n; i++)
        {
            var row = rows[i];
            cls[i] = rowClass[row];
            var unscale = rowScale[row];
            residual[i] = unscale * spec.Response[row];
            for (var a = 0; a < p; a++)
            {
                x[(i * p) + a] = unscale * spec.FixedColumn(a)[row];
                residual[i] -= x[(i * p) + a] * beta[a];
            }

            for (var a = 0; a < q; a++)
            {
                z[(i * q) + a] = unscale * term.Column(a)[row];
            }
        }

        // V = Z G Z' + the residual variances, then V^-1 in place.
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = i == j ? residualVariance[cls[i]] : 0;
                for (var a = 0; a < q; a++)
                {
                    for (var b = 0; b < q; b++)
                    {
                        s += z[(i * q) + a] * g[a, b] * z[(j * q) + b];
                    }
                }

                v[(i * n) + j] = v[(j * n) + i] = s;
            }
        }

        Invert(v, n);
        Multiply(v, n, z, q, vz);
        Multiply(v, n, x, p, vx);
        Multiply(v, n, residual, 1, w);
        for (var a = 0; a < q; a++)
        {
            var s = 0.0;
            for (var i = 0; i < n; i++)
            {
                s += z[(i * q) + a] * w[i];
            }

            zw[a] = s;
        }

        var score = new double[total];
        for (var a = 0; a < p; a++)
        {
            var s = 0.0;
            for (var i = 0; i < n; i++)
            {
                s += x[(i * p) + a] * w[i];
            }

            score[a] = s;
            for (var b = 0; b < p; b++)
            {
                var h = 0.0;
                for (var i = 0; i < n; i++)
                {
                    h += x[(i * p) + a] * vx[(i * p) + b];
                }

                contribution[(a * total) + b] = h;
            }
        }

        // dV_j w, P_j = V^-1 dV_j and P_j w = V^-1 dV_j w for each variance parameter.
        for (var j = 0; j < varianceCount; j++)
        {
            var (a, b) = pairs[j];
            var d = dw.AsSpan(j * n, n);
            var pm = pj.AsSpan(j * n * n, n * n);
            if (a >= 0)
            {
                for (var i = 0; i < n; i++)
                {
                    d[i] = a == b ? z[(i * q) + a] * zw[a] : (z[(i * q) + a] * zw[b]) + (z[(i * q) + b] * zw[a]);
                    for (var l = 0; l < n; l++)
                    {
                        pm[(i * n) + l] = a == b
                            ? vz[(i * q) + a] * z[(l * q) + a]
                            : (vz[(i * q) + a] * z[(l * q) + b]) + (vz[(i * q) + b] * z[(l * q) + a]);
                    }
                }
            }
            else
            {
                var c = -1 - a;
                for (var i = 0; i < n; i++)
                {
                    d[i] = cls[i] == c ? w[i] : 0;
                    for (var l = 0; l < n; l++)
                    {
                        pm[(i * n) + l] = cls[l] == c ? v[(i * n) + l] : 0;
                    }
                }
            }

            var pwj = pw.AsSpan(j * n, n);
            for (var i = 0; i < n; i++)
            {
                var s = 0.0;
                for (var l = 0; l < n; l++)
                {
                    s += pm[(i * n) + l] * w[l];
                }

                pwj[i] = s;
            }
        }

        for (var j = 0; j < varianceCount; j++)
        {
            var pmj = pj.AsSpan(j * n * n, n * n);
            var dwj = dw.AsSpan(j * n, n);
            var pwj = pw.AsSpan(j * n, n);
            var trace = 0.0;
            var wdw = 0.0;
            for (var i = 0; i < n; i++)
            {
                trace += pmj[(i * n) + i];
                wdw += w[i] * dwj[i];
            }

            score[p + j] = (-0.5 * trace) + (0.5 * wdw);
            for (var a = 0; a < p; a++)
            {
                var s = 0.0;
                for (var i = 0; i < n; i++)
                {
                    s += x[(i * p) + a] * pwj[i];
                }

                contribution[(a * total) + p + j] = s;
                contribution[((p + j) * total) + a] = s;
            }

            for (var k = 0; k < varianceCount; k++)
            {
                var pmk = pj.AsSpan(k * n * n, n * n);
                var pwk = pw.AsSpan(k * n, n);
                var trace2 = 0.0;
                var cross = 0.0;
                for (var i = 0; i < n; i++)
                {
                    cross += dwj[i] * pwk[i];
                    for (var l = 0; l < n; l++)
                    {
                        trace2 += pmj[(i * n) + l] * pmk[(l * n) + i];
                    }
                }

                contribution[((p + j) * total) + p + k] = (0.5 * trace2) - cross;
            }
        }

        return score;
    }

    /// <summary>result (n x m) = a (n x n) b (n x m), row-major.</summary>
    private static void Multiply(double[] a, int n, double[] b, int m, double[] result)
    {
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < m; c++)
            {
                var s = 0.0;
                for (var k = 0; k < n; k++)
                {
                    s += a[(i * n) + k] * b[(k * m) + c];
                }

                result[(i * m) + c] = s;
            }
        }
    }

    /// <summary>Inverts a symmetric positive-definite n x n block in place (Cholesky), by Gauss-Jordan if it is not definite.</summary>
    private static void Invert(double[] v, int n)
    {
        var factor = v.AsSpan(0, n * n).ToArray();
        double[,] inverse;
        if (SmallDense.CholeskyInPlace(factor, n))
        {
            factor = SmallDense.InverseFromCholesky(factor, n);
            factor.CopyTo(v, 0);
            return;
        }

        var dense = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                dense[i, j] = v[(i * n) + j];
            }
        }

        inverse = Inverse(dense);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                v[(i * n) + j] = inverse[i, j];
            }
        }
    }

    private static double[,] CovarianceOfRandomEffects(IReadOnlyList<double> theta, int q, double sigma2)
    {
        var factor = new double[q * q];
        SmallDense.RelativeFactorFromTheta(theta.ToArray(), q, factor);
        var g = new double[q, q];
        for (var a = 0; a < q; a++)
        {
            for (var b = 0; b < q; b++)
            {
                for (var c = 0; c < q; c++)
                {
                    g[a, b] += sigma2 * factor[(a * q) + c] * factor[(b * q) + c];
                }
            }
        }

        return g;
    }

    /// <summary>Gauss-Jordan inverse with partial pivoting (the Hessian is symmetric but not definite away from the optimum).</summary>
    private static double[,] Inverse(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var inv = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            inv[i, i] = 1;
        }

        for (var c = 0; c < n; c++)
        {
            var pivot = c;
            for (var r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            if (a[pivot, c] == 0)
            {
                throw new InvalidOperationException("The information matrix is singular.");
            }

            for (var k = 0; k < n; k++)
            {
                (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
                (inv[c, k], inv[pivot, k]) = (inv[pivot, k], inv[c, k]);
            }

            var d = a[c, c];
            for (var k = 0; k < n; k++)
            {
                a[c, k] /= d;
                inv[c, k] /= d;
            }

            for (var r = 0; r < n; r++)
            {
                if (r != c && a[r, c] != 0)
                {
                    var f = a[r, c];
                    for (var k = 0; k < n; k++)
                    {
                        a[r, k] -= f * a[c, k];
                        inv[r, k] -= f * inv[c, k];
                    }
                }
            }
        }

        return inv;
    }
}

/// <summary>The fixed-effects blocks of <see cref="JointInformation"/>'s covariances, row by row in the order of <see cref="Terms"/>.</summary>
/// <param name="Information">The inverse of the full observed information (model-based, variance parameters estimated).</param>
/// <param name="Sandwich">The M-estimation sandwich over all parameters, clustered by patient, times G / (G - 1).</param>
public sealed record JointFullCovariance(IReadOnlyList<string> Terms, IReadOnlyList<IReadOnlyList<double>> Information, IReadOnlyList<IReadOnlyList<double>> Sandwich)
{
    public int Index(string term) => Terms.ToList().IndexOf(term) is var i and >= 0 ? i : throw new ArgumentException($"No term {term}.", nameof(term));
}
