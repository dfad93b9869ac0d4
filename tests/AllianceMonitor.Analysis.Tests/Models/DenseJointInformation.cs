using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

/// <summary>
/// The dense per-patient derivatives <see cref="JointInformation.Derivatives"/> computed before it formed V^-1 dV_j from
/// the low rank of dV_j (commit 24c6e2f), kept verbatim as the reference the faster code must equal.
/// </summary>
internal static class DenseJointInformation
{
    /// <summary>
    /// The faster derivatives equal these: every patient's score to 1e-8 relative (or 1e-12 of that coordinate's spread
    /// over patients), every Hessian entry to 1e-8 relative (or 1e-12 of its diagonal's geometric mean).
    /// </summary>
    public static void AssertEqualsDense(JointInformation.LogLikelihoodDerivatives dense, JointInformation.LogLikelihoodDerivatives fast)
    {
        Assert.Equal(dense.Scores.Length, fast.Scores.Length);
        var total = dense.Hessian.GetLength(0);
        for (var i = 0; i < total; i++)
        {
            var spread = Math.Sqrt(dense.Scores.Sum(s => s[i] * s[i]));
            for (var c = 0; c < dense.Scores.Length; c++)
            {
                Tolerance.Close(dense.Scores[c][i], fast.Scores[c][i], 1e-8, 1e-12 * spread, $"score {i} of patient {c}");
            }

            for (var j = 0; j < total; j++)
            {
                var scale = Math.Sqrt(Math.Abs(dense.Hessian[i, i] * dense.Hessian[j, j]));
                Tolerance.Close(dense.Hessian[i, j], fast.Hessian[i, j], 1e-8, 1e-12 * scale, $"H[{i},{j}]");
            }
        }
    }

    /// <param name="spec">The model; rows are multiplied by <paramref name="rowScale"/> to give the data of the likelihood.</param>
    /// <param name="rowClass">Which residual variance each row has.</param>
    public static JointInformation.LogLikelihoodDerivatives Derivatives(MixedModelSpec spec, double[] rowScale, int[] rowClass, JointInformation.Parameters parameters)
    {
        var term = spec.RandomEffects[0];
        int p = spec.FixedTerms.Count, q = term.Q;
        var classes = parameters.ResidualVariances.Length;
        var varianceCount = (q * (q + 1) / 2) + classes;
        var total = p + varianceCount;
        var beta = parameters.Beta;
        var g = parameters.G;
        var residualVariance = parameters.ResidualVariances;

        var hessian = new double[total, total];
        var scores = new List<double[]>();
        var blocks = Enumerable.Range(0, term.Levels.Count).Select(_ => new List<int>()).ToArray();
        for (var r = 0; r < term.GroupIndex.Length; r++)
        {
            blocks[term.GroupIndex[r]].Add(r);
        }

        foreach (var rows in blocks.Where(b => b.Count > 0))
        {
            var n = rows.Count;
            var x = new double[n, p];
            var z = new double[n, q];
            var residual = new double[n];
            var cls = new int[n];
            for (var i = 0; i < n; i++)
            {
                var row = rows[i];
                cls[i] = rowClass[row];
                var unscale = rowScale[row];
                residual[i] = unscale * spec.Response[row];
                for (var a = 0; a < p; a++)
                {
                    x[i, a] = unscale * spec.FixedColumn(a)[row];
                    residual[i] -= x[i, a] * beta[a];
                }

                for (var a = 0; a < q; a++)
                {
                    z[i, a] = unscale * term.Column(a)[row];
                }
            }

            // V, its inverse, and the derivatives dV_j (G's lower triangle, then the two residual variances).
            var v = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    var s = i == j ? residualVariance[cls[i]] : 0;
                    for (var a = 0; a < q; a++)
                    {
                        for (var b = 0; b < q; b++)
                        {
                            s += z[i, a] * g[a, b] * z[j, b];
                        }
                    }

                    v[i, j] = s;
                }
            }

            var vInverse = Dense2.Inverse(v);
            var derivatives = new List<double[,]>();
            for (var a = 0; a < q; a++)
            {
                for (var b = a; b < q; b++)
                {
                    var d = new double[n, n];
                    for (var i = 0; i < n; i++)
                    {
                        for (var j = 0; j < n; j++)
                        {
                            d[i, j] = a == b ? z[i, a] * z[j, a] : (z[i, a] * z[j, b]) + (z[i, b] * z[j, a]);
                        }
                    }

                    derivatives.Add(d);
                }
            }

            for (var c = 0; c < classes; c++)
            {
                var d = new double[n, n];
                for (var i = 0; i < n; i++)
                {
                    d[i, i] = cls[i] == c ? 1 : 0;
                }

                derivatives.Add(d);
            }

            var w = Multiply(vInverse, residual);
            var p_ = derivatives.Select(d => MultiplyMatrices(vInverse, d)).ToArray();
            var score = new double[total];
            for (var a = 0; a < p; a++)
            {
                for (var i = 0; i < n; i++)
                {
                    score[a] += x[i, a] * w[i];
                }

                for (var b = 0; b < p; b++)
                {
                    var s = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        for (var j = 0; j < n; j++)
                        {
                            s += x[i, a] * vInverse[i, j] * x[j, b];
                        }
                    }

                    hessian[a, b] -= s;
                }
            }

            var pw = p_.Select(pj => Multiply(pj, w)).ToArray();
            for (var j = 0; j < varianceCount; j++)
            {
                var trace = 0.0;
                for (var i = 0; i < n; i++)
                {
                    trace += p_[j][i, i];
                }

                var dw = Multiply(derivatives[j], w);
                score[p + j] = (-0.5 * trace) + (0.5 * Dot(w, dw));
                for (var a = 0; a < p; a++)
                {
                    var s = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        s += x[i, a] * pw[j][i];
                    }

                    hessian[a, p + j] -= s;
                    hessian[p + j, a] -= s;
                }

                for (var k = 0; k < varianceCount; k++)
                {
                    var trace2 = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        for (var l = 0; l < n; l++)
                        {
                            trace2 += p_[j][i, l] * p_[k][l, i];
                        }
                    }

                    hessian[p + j, p + k] += (0.5 * trace2) - Dot(dw, pw[k]);
                }
            }

            scores.Add(score);
        }

        return new JointInformation.LogLikelihoodDerivatives([.. scores], hessian);
    }

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double[] Multiply(double[,] m, double[] v)
    {
        var n = v.Length;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                result[i] += m[i, j] * v[j];
            }
        }

        return result;
    }

    private static double[,] MultiplyMatrices(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        var result = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < n; k++)
            {
                var aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (var j = 0; j < n; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }
}
