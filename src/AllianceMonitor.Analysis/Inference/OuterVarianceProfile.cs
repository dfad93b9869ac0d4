using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Inference;

/// <summary>A 95% profile-likelihood interval: the values whose profiled ML deviance lies within 3.84 of the minimum.</summary>
/// <param name="High">1 for a share (or +infinity for an SD) when the deviance never rises that far.</param>
public sealed record ProfileInterval(double Low, double High);

/// <summary>
/// Profile-likelihood intervals for the outermost grouping factor's variance (therapists) in a model whose random-effect
/// terms are all intercepts, e.g. <c>y ~ 1 + (1 | therapist_id) + (1 | therapist_id:patient_id)</c>. As lme4's
/// <c>confint(method = "profile")</c> does (it refits by ML first), the ML deviance is profiled whatever the fit's method:
/// at each candidate value the other parameters are re-optimized, and the limits are where the deviance has risen by
/// the chi-square(1) 0.95 quantile.
/// </summary>
public sealed class OuterVarianceProfile
{
    private const double RootTolerance = 1e-10;
    private readonly ProfiledDeviance _deviance;
    private readonly double _minimum;
    private readonly double[] _thetaHat;
    private readonly double _sigmaHat;
    private readonly int _outer;

    /// <param name="spec">Intercept-only random-effect terms, innermost first.</param>
    /// <param name="mlFit">The ML fit of <paramref name="spec"/>.</param>
    public OuterVarianceProfile(MixedModelSpec spec, MixedModelFit mlFit)
    {
        if (mlFit.Method != FitMethod.Ml || spec.RandomEffects.Any(t => t.Q != 1))
        {
            throw new ArgumentException("The profile needs the ML fit of a model with random intercepts only.");
        }

        _deviance = new ProfiledDeviance(spec);
        _thetaHat = mlFit.Theta.ToArray();
        _minimum = _deviance.Evaluate(_thetaHat, FitMethod.Ml);
        _sigmaHat = mlFit.ResidualSd;
        _outer = _thetaHat.Length - 1;
    }

    /// <summary>The outer factor's share of the total variance, theta_L^2 / (1 + sum of theta^2), at the ML estimate.</summary>
    public double Share => ShareOf(_thetaHat);

    /// <summary>The outer factor's SD (lme4's <c>sd_(Intercept)|therapist_id</c>) at the ML estimate.</summary>
    public double OuterSd => _thetaHat[_outer] * _sigmaHat;

    /// <summary>The interval of the share: at a share s, the outer theta is fixed by the inner ones, and those are re-optimized.</summary>
    public ProfileInterval ShareInterval()
    {
        var start = (double[])_thetaHat.Clone();
        double Excess(double share) => ProfileShare(share, start) - _minimum - ChiSquare.Quantile95Df1;
        var low = Excess(0) <= 0 ? 0 : Root(Excess, 0, Share);
        start = (double[])_thetaHat.Clone();
        var high = UpperLimit(Excess, Share, s => 1 - ((1 - s) / 2), 1.0);
        return new ProfileInterval(low, high);
    }

    /// <summary>The interval of the outer SD on the response scale, as lme4's <c>confint</c> reports it.</summary>
    public ProfileInterval OuterSdInterval()
    {
        var start = _thetaHat.Take(_outer).Append(Math.Log(_sigmaHat)).ToArray();
        double Excess(double sd) => ProfileSd(sd, start) - _minimum - ChiSquare.Quantile95Df1;
        var low = Excess(0) <= 0 ? 0 : Root(Excess, 0, OuterSd);
        var from = OuterSd > 0 ? OuterSd : _sigmaHat * 1e-3;
        var high = UpperLimit(Excess, from, sd => 2 * sd, double.PositiveInfinity);
        return new ProfileInterval(low, high);
    }

    private double ShareOf(double[] theta) =>
        theta[_outer] * theta[_outer] / (1 + theta.Sum(t => t * t));

    /// <summary>Minimum ML deviance with the share held at <paramref name="share"/>; <paramref name="warm"/> carries the inner thetas between calls.</summary>
    private double ProfileShare(double share, double[] warm)
    {
        double[] Theta(double[] inner)
        {
            var sum = 1 + inner.Sum(t => t * t);
            return [.. inner, Math.Sqrt(share * sum / (1 - share))];
        }

        if (_outer == 0)
        {
            return _deviance.Evaluate(Theta([]), FitMethod.Ml);
        }

        var inner = warm.Take(_outer).ToArray();
        var result = NewtonPolishedOptimizer.Default.Minimize(
            x => _deviance.Evaluate(Theta(x), FitMethod.Ml), inner, new double[_outer]);
        Array.Copy(result.Minimizer, warm, _outer);
        return result.Minimum;
    }

    /// <summary>
    /// Minimum ML deviance with the outer SD held at <paramref name="sd"/>: over the inner thetas and log sigma, with
    /// the outer theta = sd / sigma. sigma cannot be profiled out here, so the deviance is the unprofiled one,
    /// log|L|^2 + r^2 / sigma^2 + n log(2 pi sigma^2), with beta at its conditional optimum.
    /// </summary>
    private double ProfileSd(double sd, double[] warm)
    {
        var n = _deviance.Spec.ObservationCount;
        double Deviance(double[] x)
        {
            var sigma = Math.Exp(x[_outer]);
            double[] theta = [.. x.Take(_outer), sd / sigma];
            var solution = _deviance.Solve(theta);
            var sigma2 = sigma * sigma;
            return solution.LogDetL + (solution.PenalizedResidualSquares / sigma2) + (n * Math.Log(2 * Math.PI * sigma2));
        }

        var bounds = new double[_outer + 1];
        bounds[_outer] = double.NegativeInfinity;
        var result = NewtonPolishedOptimizer.Default.Minimize(Deviance, (double[])warm.Clone(), bounds);
        Array.Copy(result.Minimizer, warm, warm.Length);
        return result.Minimum;
    }

    /// <summary>Walks away from the estimate until the deviance has risen past the cut-off, then finds the crossing.</summary>
    private static double UpperLimit(Func<double, double> excess, double estimate, Func<double, double> next, double unbounded)
    {
        var inside = estimate;
        for (var step = 0; step < 60; step++)
        {
            var candidate = next(inside);
            if (excess(candidate) > 0)
            {
                return Root(excess, inside, candidate);
            }

            inside = candidate;
        }

        return unbounded;
    }

    /// <summary>
    /// The crossing of zero between <paramref name="a"/> and <paramref name="b"/> (signs differ), by the Illinois variant
    /// of false position: superlinear on a smooth profile, and never leaves the bracket.
    /// </summary>
    private static double Root(Func<double, double> f, double a, double b)
    {
        double fa = f(a), fb = f(b);
        var side = 0;
        for (var i = 0; i < 200 && Math.Abs(b - a) > RootTolerance * Math.Max(1, Math.Abs(b)); i++)
        {
            var c = ((a * fb) - (b * fa)) / (fb - fa);
            var fc = f(c);
            if (fc == 0)
            {
                return c;
            }

            if (Math.Sign(fc) == Math.Sign(fb))
            {
                b = c;
                fb = fc;
                if (side == -1)
                {
                    fa /= 2;
                }

                side = -1;
            }
            else
            {
                a = c;
                fa = fc;
                if (side == 1)
                {
                    fb /= 2;
                }

                side = 1;
            }
        }

        return (a + b) / 2;
    }
}
