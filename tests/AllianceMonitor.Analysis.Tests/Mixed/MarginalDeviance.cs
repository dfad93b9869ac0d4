using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Tests.Mixed;

/// <summary>
/// The same criterion computed the textbook way, from the n x n marginal covariance
/// V = I + Z Lambda Lambda' Z' (in units of sigma^2) and generalized least squares, with no block
/// structure and no penalized least squares. Slow (cubic in n); only for small fixtures.
/// </summary>
internal static class MarginalDeviance
{
    /// <param name="weights">
    /// lme4's prior weights: row r's residual variance is sigma^2 / w_r, so V has 1 / w_r on its diagonal (and the
    /// deviance, through log det V, the -sum(log w) lme4 adds). Null: all 1.
    /// </param>
    public static double Evaluate(MixedModelSpec spec, double[] theta, FitMethod method, IReadOnlyList<double>? weights = null)
    {
        int n = spec.ObservationCount, p = spec.FixedTerms.Count;
        var v = new double[n, n];
        for (var r = 0; r < n; r++)
        {
            v[r, r] = weights is null ? 1 : 1 / weights[r];
        }

        var offset = 0;
        foreach (var term in spec.RandomEffects)
        {
            AddTerm(v, term, theta.AsSpan(offset, term.ThetaLength));
            offset += term.ThetaLength;
        }

        var logDetV = CholeskyLogDet(v);
        var x = new double[n, p];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < p; c++)
            {
                x[r, c] = spec.FixedColumn(c)[r];
            }
        }

        var y = spec.Response.ToArray();
        var vInvX = SolveColumns(v, x);
        var vInvY = SolveColumns(v, ToColumn(y));
        var xtVinvX = new double[p, p];
        var xtVinvY = new double[p];
        for (var a = 0; a < p; a++)
        {
            for (var r = 0; r < n; r++)
            {
                xtVinvY[a] += x[r, a] * vInvY[r, 0];
                for (var b = 0; b < p; b++)
                {
                    xtVinvX[a, b] += x[r, a] * vInvX[r, b];
                }
            }
        }

        var beta = SolveColumns(CopyOf(xtVinvX), ToColumn(xtVinvY));
        var residual = new double[n];
        for (var r = 0; r < n; r++)
        {
            residual[r] = y[r];
            for (var a = 0; a < p; a++)
            {
                residual[r] -= x[r, a] * beta[a, 0];
            }
        }

        var vInvResidual = SolveColumns(v, ToColumn(residual));
        var quadratic = 0.0;
        for (var r = 0; r < n; r++)
        {
            quadratic += residual[r] * vInvResidual[r, 0];
        }

        var degrees = method == FitMethod.Reml ? n - p : n;
        var value1 = logDetV + (degrees * (1 + Math.Log(2 * Math.PI * quadratic / degrees)));
        return method == FitMethod.Reml ? value1 + CholeskyLogDet(CopyOf(xtVinvX)) : value1;
    }

    private static double[,] ToColumn(double[] values)
    {
        var column = new double[values.Length, 1];
        for (var i = 0; i < values.Length; i++)
        {
            column[i, 0] = values[i];
        }

        return column;
    }

    private static double[,] CopyOf(double[,] a) => (double[,])a.Clone();

    /// <summary>Factors a copy of the symmetric matrix and returns log det.</summary>
    /// <summary>V += Z Lambda Lambda' Z' for one term: rows in the same group covary through its covariance.</summary>
    private static void AddTerm(double[,] v, RandomEffectTerm term, ReadOnlySpan<double> theta)
    {
        var q = term.Q;
        var relative = new double[q, q];
        var k = 0;
        for (var j = 0; j < q; j++)
        {
            for (var i = j; i < q; i++)
            {
                relative[i, j] = theta[k++];
            }
        }

        var covariance = new double[q, q];
        for (var a = 0; a < q; a++)
        {
            for (var b = 0; b < q; b++)
            {
                for (var c = 0; c < q; c++)
                {
                    covariance[a, b] += relative[a, c] * relative[b, c];
                }
            }
        }

        var groups = term.GroupIndex.ToArray();
        var n = groups.Length;
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                if (groups[r] == groups[c])
                {
                    for (var a = 0; a < q; a++)
                    {
                        for (var b = 0; b < q; b++)
                        {
                            v[r, c] += term.Column(a)[r] * covariance[a, b] * term.Column(b)[c];
                        }
                    }
                }
            }
        }
    }

    private static double CholeskyLogDet(double[,] a)
    {
        var l = Factor(CopyOf(a));
        var sum = 0.0;
        for (var i = 0; i < l.GetLength(0); i++)
        {
            sum += 2 * Math.Log(l[i, i]);
        }

        return sum;
    }

    private static double[,] Factor(double[,] a)
    {
        var n = a.GetLength(0);
        for (var j = 0; j < n; j++)
        {
            for (var k = 0; k < j; k++)
            {
                a[j, j] -= a[j, k] * a[j, k];
            }

            a[j, j] = Math.Sqrt(a[j, j]);
            for (var i = j + 1; i < n; i++)
            {
                for (var k = 0; k < j; k++)
                {
                    a[i, j] -= a[i, k] * a[j, k];
                }

                a[i, j] /= a[j, j];
            }
        }

        return a;
    }

    private static double[,] SolveColumns(double[,] a, double[,] b)
    {
        var l = Factor(CopyOf(a));
        int n = l.GetLength(0), m = b.GetLength(1);
        var x = CopyOf(b);
        for (var c = 0; c < m; c++)
        {
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < i; k++)
                {
                    x[i, c] -= l[i, k] * x[k, c];
                }

                x[i, c] /= l[i, i];
            }

            for (var i = n - 1; i >= 0; i--)
            {
                for (var k = i + 1; k < n; k++)
                {
                    x[i, c] -= l[k, i] * x[k, c];
                }

                x[i, c] /= l[i, i];
            }
        }

        return x;
    }
}
