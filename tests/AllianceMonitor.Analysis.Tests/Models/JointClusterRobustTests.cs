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
}
