using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class JointClusterRobustTests
{
    /// <summary>
    /// The per-patient computation against the textbook one on the whole stacked data set: the N x N working covariance,
    /// its inverse, GLS, and CR2's adjustment as L_i (I - H_ii)^-1/2 L_i^-1 with the inverse square root by Newton-Schulz
    /// iteration instead of an eigendecomposition.
    /// </summary>
    [Fact]
    public void Sandwich_equals_a_dense_computation_on_a_small_joint_data_set()
    {
        var data = SessionSimulator.Simulate(12, 2024, new SimulationParameters(MinSessions: 4, MaxSessions: 6, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations;
        var spec = JointDesign.Build(data, new JointModel(ModelCatalog.AllianceToSymptoms)).Spec(5.0);
        double[] theta = [0.6, 0.1, -0.2, 0.3, 0.05, 0.4];

        var robust = JointClusterRobust.Compute(spec, theta);
        var (beta, cr1, cr2, m) = Dense(spec, theta);

        var p = spec.FixedTerms.Count;
        for (var a = 0; a < p; a++)
        {
            Tolerance.Close(beta[a], robust.Coefficients[a], 1e-9, 1e-10, $"beta {spec.FixedTerms[a]}");
            for (var b = 0; b < p; b++)
            {
                var scale = Math.Sqrt(cr2[a, a] * cr2[b, b]);
                Tolerance.Close(cr1[a, b], robust.Cr1[a][b], 1e-10, 1e-10 * scale, $"CR1 [{a},{b}]");
                Tolerance.Close(cr2[a, b], robust.Cr2[a][b], 1e-10, 1e-10 * scale, $"CR2 [{a},{b}]");
                Tolerance.Close(m[a, b], robust.ModelBased[a][b], 1e-10, 1e-10 * Math.Sqrt(m[a, a] * m[b, b]), $"M [{a},{b}]");
            }
        }

        // CR2 inflates each patient's residuals, so it is above CR0 = CR1 (G - 1) / G on the diagonal.
        var g = robust.Clusters;
        Assert.All(Enumerable.Range(0, p), a => Assert.True(robust.Cr2[a][a] > robust.Cr1[a][a] * (g - 1) / g));
    }

    /// <summary>
    /// With strictly exogenous regressors and the data drawn from the fitted model, the sandwich and the model-based
    /// covariance estimate the same thing: on 1,500 patients their standard errors agree to within 10%.
    /// </summary>
    [Fact]
    public void Sandwich_is_close_to_the_model_based_standard_errors_when_the_model_is_right()
    {
        var rng = new Random(91);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        List<double> y = [], x1 = [], x2 = [], ones = [];
        List<string> groups = [];
        for (var i = 0; i < 1500; i++)
        {
            var (b0, b1) = (1.0 * Normal(), 0.5 * Normal());
            var between = Normal();
            var rows = 3 + rng.Next(6);
            for (var t = 0; t < rows; t++)
            {
                var a = between + Normal();
                var c = rng.NextDouble() < 0.5 ? 1.0 : 0.0;
                y.Add(2 + b0 + ((-1.5 + b1) * a) + (0.7 * c) + (1.3 * Normal()));
                x1.Add(a);
                x2.Add(c);
                ones.Add(1);
                groups.Add($"p{i}");
            }
        }

        var spec = MixedModelSpec.Create("y", y, [("(Intercept)", ones), ("a", x1), ("c", x2)], [("(Intercept)", ones), ("a", x1)], "patient_id", groups);
        var fit = MixedModelFitter.Fit(spec);

        var robust = JointClusterRobust.Compute(spec, fit.Theta);

        for (var k = 0; k < 3; k++)
        {
            Tolerance.Close(fit.FixedEffects[k].Estimate, robust.Coefficients[k], 1e-6, 1e-6, $"beta {k}");
            Tolerance.Close(fit.FixedEffectsCovariance[k][k], fit.ResidualVariance * robust.ModelBased[k][k], 1e-6, 0, $"model-based variance {k}");
            var model = fit.FixedEffects[k].StdError;
            Assert.InRange(Math.Sqrt(robust.Cr2[k][k]) / model, 0.9, 1.1);
            Assert.InRange(Math.Sqrt(robust.Cr1[k][k]) / model, 0.9, 1.1);
        }
    }

    private static (double[] Beta, double[,] Cr1, double[,] Cr2, double[,] M) Dense(MixedModelSpec spec, double[] theta)
    {
        int n = spec.ObservationCount, p = spec.FixedTerms.Count;
        var term = spec.RandomEffects[0];
        var q = term.Q;
        var t = new double[q, q];
        var k = 0;
        for (var j = 0; j < q; j++)
        {
            for (var i = j; i < q; i++)
            {
                t[i, j] = theta[k++];
            }
        }

        var phi = new double[n, n];
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                var s = r == c ? 1.0 : 0.0;
                if (term.GroupIndex[r] == term.GroupIndex[c])
                {
                    for (var a = 0; a < q; a++)
                    {
                        for (var b = 0; b < q; b++)
                        {
                            for (var e = 0; e < q; e++)
                            {
                                s += term.Column(a)[r] * t[a, e] * t[b, e] * term.Column(b)[c];
                            }
                        }
                    }
                }

                phi[r, c] = s;
            }
        }

        var x = new double[n, p];
        var y = new double[n, 1];
        for (var r = 0; r < n; r++)
        {
            y[r, 0] = spec.Response[r];
            for (var a = 0; a < p; a++)
            {
                x[r, a] = spec.FixedColumn(a)[r];
            }
        }

        var phiInverse = Dense2.Inverse(phi);
        var m = Dense2.Inverse(Dense2.Product(Dense2.Transpose(x), Dense2.Product(phiInverse, x)));
        var beta = Dense2.Product(m, Dense2.Product(Dense2.Transpose(x), Dense2.Product(phiInverse, y)));
        var residual = Dense2.Subtract(y, Dense2.Product(x, beta));
        var meat1 = new double[p, p];
        var meat2 = new double[p, p];
        var clusters = 0;
        for (var g = 0; g < term.Levels.Count; g++)
        {
            var rows = Enumerable.Range(0, n).Where(r => term.GroupIndex[r] == g).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            clusters++;
            var xi = Dense2.Rows(x, rows);
            var ri = Dense2.Rows(residual, rows);
            var phiI = Dense2.Block(phi, rows);
            var phiIInverse = Dense2.Block(phiInverse, rows);
            var l = Dense2.Cholesky(phiI);
            var lInverse = Dense2.Inverse(l);
            var whitenedX = Dense2.Product(lInverse, xi);
            var residualMaker = Dense2.Subtract(Dense2.Identity(rows.Length), Dense2.Product(whitenedX, Dense2.Product(m, Dense2.Transpose(whitenedX))));
            var adjustment = Dense2.Product(l, Dense2.Product(Dense2.InverseSqrt(residualMaker), lInverse));
            var u1 = Dense2.Product(Dense2.Transpose(xi), Dense2.Product(phiIInverse, ri));
            var u2 = Dense2.Product(Dense2.Transpose(xi), Dense2.Product(phiIInverse, Dense2.Product(adjustment, ri)));
            for (var a = 0; a < p; a++)
            {
                for (var b = 0; b < p; b++)
                {
                    meat1[a, b] += u1[a, 0] * u1[b, 0];
                    meat2[a, b] += u2[a, 0] * u2[b, 0];
                }
            }
        }

        var cr1 = Dense2.Product(m, Dense2.Product(meat1, m));
        var cr2 = Dense2.Product(m, Dense2.Product(meat2, m));
        for (var a = 0; a < p; a++)
        {
            for (var b = 0; b < p; b++)
            {
                cr1[a, b] *= clusters / (double)(clusters - 1);
            }
        }

        return (Enumerable.Range(0, p).Select(a => beta[a, 0]).ToArray(), cr1, cr2, m);
    }

    /// <summary>Textbook dense matrix helpers, for small test matrices only.</summary>
    private static class Dense2
    {
        public static double[,] Product(double[,] a, double[,] b)
        {
            int n = a.GetLength(0), m = a.GetLength(1), l = b.GetLength(1);
            var c = new double[n, l];
            for (var i = 0; i < n; i++)
            {
                for (var k = 0; k < m; k++)
                {
                    for (var j = 0; j < l; j++)
                    {
                        c[i, j] += a[i, k] * b[k, j];
                    }
                }
            }

            return c;
        }

        public static double[,] Transpose(double[,] a)
        {
            var t = new double[a.GetLength(1), a.GetLength(0)];
            for (var i = 0; i < a.GetLength(0); i++)
            {
                for (var j = 0; j < a.GetLength(1); j++)
                {
                    t[j, i] = a[i, j];
                }
            }

            return t;
        }

        public static double[,] Subtract(double[,] a, double[,] b)
        {
            var c = (double[,])a.Clone();
            for (var i = 0; i < a.GetLength(0); i++)
            {
                for (var j = 0; j < a.GetLength(1); j++)
                {
                    c[i, j] -= b[i, j];
                }
            }

            return c;
        }

        public static double[,] Identity(int n)
        {
            var c = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                c[i, i] = 1;
            }

            return c;
        }

        public static double[,] Rows(double[,] a, int[] rows)
        {
            var c = new double[rows.Length, a.GetLength(1)];
            for (var i = 0; i < rows.Length; i++)
            {
                for (var j = 0; j < a.GetLength(1); j++)
                {
                    c[i, j] = a[rows[i], j];
                }
            }

            return c;
        }

        public static double[,] Block(double[,] a, int[] rows)
        {
            var c = new double[rows.Length, rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                for (var j = 0; j < rows.Length; j++)
                {
                    c[i, j] = a[rows[i], rows[j]];
                }
            }

            return c;
        }

        public static double[,] Cholesky(double[,] a)
        {
            var n = a.GetLength(0);
            var l = new double[n, n];
            for (var j = 0; j < n; j++)
            {
                var d = a[j, j];
                for (var k = 0; k < j; k++)
                {
                    d -= l[j, k] * l[j, k];
                }

                l[j, j] = Math.Sqrt(d);
                for (var i = j + 1; i < n; i++)
                {
                    var s = a[i, j];
                    for (var k = 0; k < j; k++)
                    {
                        s -= l[i, k] * l[j, k];
                    }

                    l[i, j] = s / l[j, j];
                }
            }

            return l;
        }

        /// <summary>Gauss-Jordan with partial pivoting.</summary>
        public static double[,] Inverse(double[,] matrix)
        {
            var n = matrix.GetLength(0);
            var a = (double[,])matrix.Clone();
            var inv = Identity(n);
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
                    if (r != c)
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

        /// <summary>
        /// B^-1/2 by the coupled Newton-Schulz iteration (Higham 2008, eq. 6.35): Y -> B^1/2, Z -> B^-1/2 for a
        /// symmetric B with eigenvalues in (0, 1], as I - H_ii has.
        /// </summary>
        public static double[,] InverseSqrt(double[,] b)
        {
            var n = b.GetLength(0);
            var y = (double[,])b.Clone();
            var z = Identity(n);
            for (var iteration = 0; iteration < 200; iteration++)
            {
                var zy = Product(z, y);
                var step = Subtract(Identity(n), zy);
                for (var i = 0; i < n; i++)
                {
                    for (var j = 0; j < n; j++)
                    {
                        step[i, j] = (0.5 * step[i, j]) + (i == j ? 1 : 0);
                    }
                }

                (y, z) = (Product(y, step), Product(step, z));
            }

            return z;
        }
    }
}
