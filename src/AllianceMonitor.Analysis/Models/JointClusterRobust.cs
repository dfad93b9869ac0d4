using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>
/// Cluster-robust (sandwich) covariances of a mixed model's fixed effects, clustered by the innermost grouping factor
/// (patients), with the working covariance Phi_i = I + Z_i Lambda Lambda' Z_i' of each patient at the fitted theta:
/// <c>M [sum_i X_i' Phi_i^-1 A_i r_i r_i' A_i' Phi_i^-1 X_i] M</c>, <c>M = (X' Phi^-1 X)^-1</c>, r_i the patient's
/// GLS residuals. sigma^2 cancels, so it is left out.
/// </summary>
/// <remarks>
/// Why: the model-based covariance is right only when the working covariance is the truth and the fixed effects are
/// orthogonal to the variance parameters; the sandwich needs neither, only independent patients.
/// <para>CR1: A_i = I and the factor G / (G - 1). CR2 (Bell &amp; McCaffrey 2002; Pustejovsky &amp; Tipton 2018): the
/// GLS fit is OLS on each patient's rows premultiplied by L_i^-1 (Phi_i = L_i L_i'), and CR2 of that OLS fit adjusts
/// each patient's whitened residuals by (I - H_ii)^-1/2, H_ii the patient's block of the whitened hat matrix, which
/// makes the meat unbiased when the working model is right. In the original rows that is A_i = L_i (I - H_ii)^-1/2 L_i^-1.
/// Whitening makes it invariant to the units of the rows (the joint model's scaled predictor rows).</para>
/// Each patient is one small dense block (two rows per lag pair), so the cost is linear in patients.
/// </remarks>
public static class JointClusterRobust
{
    /// <summary>Eigenvalues of I - H_ii below this are treated as zero (pseudo-inverse square root).</summary>
    private const double EigenvalueFloor = 1e-10;

    /// <param name="spec">The model; its first random-effect term's groups are the clusters.</param>
    /// <param name="theta">The fitted theta (one grouping factor).</param>
    public static ClusterRobustCovariance Compute(MixedModelSpec spec, IReadOnlyList<double> theta)
    {
        if (spec.RandomEffects.Count != 1)
        {
            throw new ArgumentException("Cluster-robust covariances are implemented for one grouping factor.", nameof(spec));
        }

        var term = spec.RandomEffects[0];
        int p = spec.FixedTerms.Count, q = term.Q;
        var factor = new double[q * q];
        SmallDense.RelativeFactorFromTheta(theta.ToArray(), q, factor);
        var blocks = Blocks(term);

        // Pass 1: each patient's whitened rows, X'Phi^-1 X and X'Phi^-1 y, hence beta and M.
        // Patients are whitened (and below, their scores computed) in parallel, and summed in patient order, so the result
        // is the same on any number of cores.
        var whitened = new Whitened[blocks.Length];
        Parallel.For(0, blocks.Length, g => whitened[g] = Whiten(spec, term, factor, blocks[g]));
        var bread = new double[p * p];
        var xty = new double[p];
        for (var g = 0; g < blocks.Length; g++)
        {
            var w = whitened[g];
            var n = w.Rows;
            for (var a = 0; a < p; a++)
            {
                for (var i = 0; i < n; i++)
                {
                    xty[a] += w.X[(i * p) + a] * w.Y[i];
                }

                for (var b = 0; b <= a; b++)
                {
                    var s = 0.0;
                    for (var i = 0; i < n; i++)
                    {
                        s += w.X[(i * p) + a] * w.X[(i * p) + b];
                    }

                    bread[(a * p) + b] += s;
                }
            }
        }

        for (var a = 0; a < p; a++)
        {
            for (var b = a + 1; b < p; b++)
            {
                bread[(a * p) + b] = bread[(b * p) + a];
            }
        }

        if (!SmallDense.CholeskyInPlace(bread, p))
        {
            throw new InvalidOperationException("The fixed-effects design is rank deficient.");
        }

        var beta = (double[])xty.Clone();
        SmallDense.ForwardSolveInPlace(bread, p, beta, 1);
        SmallDense.BackSolveTransposedInPlace(bread, p, beta);
        var m = SmallDense.InverseFromCholesky(bread, p);

        // Pass 2: each patient's score contribution, raw (CR1) and adjusted (CR2).
        var scores = new (double[] Raw, double[] Adjusted)[blocks.Length];
        Parallel.For(0, blocks.Length, g =>
        {
            var w = whitened[g];
            var n = w.Rows;
            var residual = new double[n];
            for (var i = 0; i < n; i++)
            {
                var fitted = 0.0;
                for (var a = 0; a < p; a++)
                {
                    fitted += w.X[(i * p) + a] * beta[a];
                }

                residual[i] = w.Y[i] - fitted;
            }

            var raw = Score(w.X, n, p, residual);
            var adjusted = InverseSqrtOfResidualMaker(w.X, n, p, m);
            var ar = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    ar[i] += adjusted[(i * n) + j] * residual[j];
                }
            }

            scores[g] = (raw, Score(w.X, n, p, ar));
        });

        var meat1 = new double[p * p];
        var meat2 = new double[p * p];
        foreach (var (raw, adjusted) in scores)
        {
            AddOuter(meat1, raw, p);
            AddOuter(meat2, adjusted, p);
        }

        var clusters = blocks.Length;
        return new ClusterRobustCovariance(
            spec.FixedTerms,
            beta,
            ToRows(Sandwich(m, meat1, p, clusters / (double)(clusters - 1)), p),
            ToRows(Sandwich(m, meat2, p, 1), p),
            ToRows(m, p),
            clusters);
    }

    /// <summary>The rows of each level of the grouping factor, in row order.</summary>
    private static int[][] Blocks(RandomEffectTerm term)
    {
        var lists = Enumerable.Range(0, term.Levels.Count).Select(_ => new List<int>()).ToArray();
        var index = term.GroupIndex;
        for (var r = 0; r < index.Length; r++)
        {
            lists[index[r]].Add(r);
        }

        return lists.Where(l => l.Count > 0).Select(l => l.ToArray()).ToArray();
    }

    private sealed record Whitened(int Rows, double[] X, double[] Y);

    /// <summary>L^-1 X_i and L^-1 y_i for one patient, Phi_i = I + Z_i T T' Z_i' = L L'.</summary>
    private static Whitened Whiten(MixedModelSpec spec, RandomEffectTerm term, double[] factor, int[] rows)
    {
        int n = rows.Length, p = spec.FixedTerms.Count, q = term.Q;
        var zt = new double[n * q];
        for (var i = 0; i < n; i++)
        {
            for (var a = 0; a < q; a++)
            {
                var s = 0.0;
                for (var c = a; c < q; c++)
                {
                    s += term.Column(c)[rows[i]] * factor[(c * q) + a];
                }

                zt[(i * q) + a] = s;
            }
        }

        var phi = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = i == j ? 1.0 : 0.0;
                for (var a = 0; a < q; a++)
                {
                    s += zt[(i * q) + a] * zt[(j * q) + a];
                }

                phi[(i * n) + j] = phi[(j * n) + i] = s;
            }
        }

        if (!SmallDense.CholeskyInPlace(phi, n))
        {
            throw new InvalidOperationException("A patient's working covariance is not positive definite.");
        }

        var x = new double[n * p];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = spec.Response[rows[i]];
            for (var a = 0; a < p; a++)
            {
                x[(i * p) + a] = spec.FixedColumn(a)[rows[i]];
            }
        }

        SmallDense.ForwardSolveInPlace(phi, n, x, p);
        SmallDense.ForwardSolveInPlace(phi, n, y, 1);
        return new Whitened(n, x, y);
    }

    /// <summary>X' v for whitened X (n x p) and a whitened residual v.</summary>
    private static double[] Score(double[] x, int n, int p, double[] v)
    {
        var score = new double[p];
        for (var i = 0; i < n; i++)
        {
            for (var a = 0; a < p; a++)
            {
                score[a] += x[(i * p) + a] * v[i];
            }
        }

        return score;
    }

    /// <summary>(I - X M X')^-1/2 (symmetric, pseudo-inverse on a zero eigenvalue) for one patient's whitened rows.</summary>
    private static double[] InverseSqrtOfResidualMaker(double[] x, int n, int p, double[] m)
    {
        var xm = new double[n * p];
        for (var i = 0; i < n; i++)
        {
            for (var b = 0; b < p; b++)
            {
                var s = 0.0;
                for (var a = 0; a < p; a++)
                {
                    s += x[(i * p) + a] * m[(a * p) + b];
                }

                xm[(i * p) + b] = s;
            }
        }

        var residualMaker = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = 0.0;
                for (var b = 0; b < p; b++)
                {
                    s += xm[(i * p) + b] * x[(j * p) + b];
                }

                residualMaker[(i * n) + j] = residualMaker[(j * n) + i] = (i == j ? 1 : 0) - s;
            }
        }

        var values = new double[n];
        var vectors = new double[n * n];
        JointSymmetricEigen.Decompose(residualMaker, n, values, vectors);
        var result = new double[n * n];
        for (var k = 0; k < n; k++)
        {
            if (values[k] <= EigenvalueFloor)
            {
                continue;
            }

            var weight = 1 / Math.Sqrt(values[k]);
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    result[(i * n) + j] += weight * vectors[(i * n) + k] * vectors[(j * n) + k];
                }
            }
        }

        return result;
    }

    private static void AddOuter(double[] target, double[] v, int p)
    {
        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b < p; b++)
            {
                target[(a * p) + b] += v[a] * v[b];
            }
        }
    }

    private static double[] Sandwich(double[] m, double[] meat, int p, double factor)
    {
        var left = new double[p * p];
        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b < p; b++)
            {
                var s = 0.0;
                for (var c = 0; c < p; c++)
                {
                    s += m[(a * p) + c] * meat[(c * p) + b];
                }

                left[(a * p) + b] = s;
            }
        }

        var result = new double[p * p];
        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b < p; b++)
            {
                var s = 0.0;
                for (var c = 0; c < p; c++)
                {
                    s += left[(a * p) + c] * m[(c * p) + b];
                }

                result[(a * p) + b] = factor * s;
            }
        }

        return result;
    }

    private static double[][] ToRows(double[] matrix, int p) =>
        Enumerable.Range(0, p).Select(r => matrix.AsSpan(r * p, p).ToArray()).ToArray();
}

/// <summary>The sandwich covariances of <see cref="JointClusterRobust"/>, row by row in the order of <see cref="Terms"/>.</summary>
/// <param name="Coefficients">The GLS fixed effects at the theta given (the fit's, up to its rounding).</param>
/// <param name="Cr1">CR0 times G / (G - 1).</param>
/// <param name="Cr2">Bell-McCaffrey's bias-reduced sandwich.</param>
/// <param name="ModelBased">(X' Phi^-1 X)^-1: the model-based covariance divided by sigma^2.</param>
/// <param name="Clusters">Patients (G).</param>
public sealed record ClusterRobustCovariance(
    IReadOnlyList<string> Terms, IReadOnlyList<double> Coefficients, IReadOnlyList<IReadOnlyList<double>> Cr1,
    IReadOnlyList<IReadOnlyList<double>> Cr2, IReadOnlyList<IReadOnlyList<double>> ModelBased, int Clusters)
{
    public int Index(string term) => Terms.ToList().IndexOf(term) is var i and >= 0 ? i : throw new ArgumentException($"No term {term}.", nameof(term));
}
