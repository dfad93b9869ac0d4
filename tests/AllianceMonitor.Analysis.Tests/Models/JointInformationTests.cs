using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Analysis.Tests.Support;

namespace AllianceMonitor.Analysis.Tests.Models;

public sealed class JointInformationTests
{
    private static readonly JointModel Model = new(ModelCatalog.AllianceToSymptoms);

    private static JointDesign Design(int patients, ulong seed) => JointDesign.Build(
        SessionSimulator.Simulate(patients, seed, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations,
        Model);

    private static (double[] Scale, int[] Class) Rows(JointDesign design, double scale) =>
        (Enumerable.Range(0, 2 * design.Pairs).Select(r => r >= design.Pairs ? 1 / scale : 1).ToArray(),
         Enumerable.Range(0, 2 * design.Pairs).Select(r => r >= design.Pairs ? 1 : 0).ToArray());

    /// <summary>The analytic Hessian against central differences of the analytic scores, at parameters away from any optimum.</summary>
    [Fact]
    public void Hessian_equals_central_differences_of_the_summed_scores()
    {
        var design = Design(20, 515);
        var spec = design.Spec(4);
        var (rowScale, rowClass) = Rows(design, 4);
        var p = spec.FixedTerms.Count;
        var beta = Enumerable.Range(0, p).Select(a => 0.1 * (a % 4) - 0.05).ToArray();
        double[,] g = { { 4, 0.3, -0.5 }, { 0.3, 0.2, 0.05 }, { -0.5, 0.05, 0.3 } };
        var parameters = new JointInformation.Parameters(beta, g, [9, 0.2]);

        var analytic = JointInformation.Derivatives(spec, rowScale, rowClass, parameters).Hessian;

        var total = analytic.GetLength(0);
        for (var j = 0; j < total; j++)
        {
            var h = 1e-5 * Math.Max(1, Math.Abs(Get(parameters, p, j)));
            var plus = JointInformation.Derivatives(spec, rowScale, rowClass, Shift(parameters, p, j, h)).ScoreSum;
            var minus = JointInformation.Derivatives(spec, rowScale, rowClass, Shift(parameters, p, j, -h)).ScoreSum;
            var scale = Math.Sqrt(Math.Abs(analytic[j, j]));
            for (var i = 0; i < total; i++)
            {
                Tolerance.Close(analytic[i, j], (plus[i] - minus[i]) / (2 * h), 1e-5, 1e-6 * scale * Math.Sqrt(Math.Abs(analytic[i, i])), $"H[{i},{j}]");
            }
        }
    }

    /// <summary>
    /// At the ML optimum over beta, theta and the scale every score sums to about zero: the scores are the likelihood's.
    /// A fit with random intercepts only, which is not singular here (a singular fit is on the boundary, where G's scores
    /// need not vanish).
    /// </summary>
    [Fact]
    public void Scores_sum_to_about_zero_at_the_ml_fit()
    {
        var design = JointDesign.Build(
            SessionSimulator.Simulate(120, 77, new SimulationParameters(MinSessions: 6, MaxSessions: 8, SymptomsToAllianceEffect: -0.10, SymptomsCarryOver: 0.45)).Observations,
            new JointModel(ModelCatalog.AllianceToSymptoms, RandomPredictorSlope: false));
        var fit = JointFitter.Fit(design, FitMethod.Ml);
        var (rowScale, rowClass) = Rows(design, fit.Scale);
        var parameters = JointInformation.Parameters.At(fit.Fit, [fit.OutcomeResidualVariance, fit.PredictorResidualVariance]);

        var derivatives = JointInformation.Derivatives(design.Spec(fit.Scale), rowScale, rowClass, parameters);

        var sum = derivatives.ScoreSum;
        Assert.False(fit.Fit.Singular);
        for (var j = 0; j < sum.Length; j++)
        {
            var spread = Math.Sqrt(derivatives.Scores.Sum(s => s[j] * s[j]));
            Assert.True(Math.Abs(sum[j]) < 1e-3 * spread, $"score {j}: sum {sum[j]:E3}, spread {spread:E3}");
        }
    }

    private static double Get(JointInformation.Parameters parameters, int p, int j)
    {
        if (j < p)
        {
            return parameters.Beta[j];
        }

        var q = parameters.G.GetLength(0);
        var k = p;
        for (var a = 0; a < q; a++)
        {
            for (var b = a; b < q; b++)
            {
                if (k++ == j)
                {
                    return parameters.G[a, b];
                }
            }
        }

        return parameters.ResidualVariances[j - k];
    }

    private static JointInformation.Parameters Shift(JointInformation.Parameters parameters, int p, int j, double h)
    {
        var beta = (double[])parameters.Beta.Clone();
        var g = (double[,])parameters.G.Clone();
        var residual = (double[])parameters.ResidualVariances.Clone();
        if (j < p)
        {
            beta[j] += h;
            return new(beta, g, residual);
        }

        var q = g.GetLength(0);
        var k = p;
        for (var a = 0; a < q; a++)
        {
            for (var b = a; b < q; b++)
            {
                if (k++ == j)
                {
                    g[a, b] += h;
                    if (a != b)
                    {
                        g[b, a] += h;
                    }

                    return new(beta, g, residual);
                }
            }
        }

        residual[j - k] += h;
        return new(beta, g, residual);
    }
}
