using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Models;

/// <summary>A fitted <see cref="JointModel"/>.</summary>
/// <param name="Fit">The stacked fit at the estimated scale; its residual variance is the outcome equation's.</param>
/// <param name="Scale">
/// sigma_outcome / sigma_predictor: the factor on the predictor rows (lme4's prior weight <c>Scale^2</c> on them).
/// </param>
/// <param name="Objective">
/// The REML criterion or ML deviance of the original (unscaled) data: the stacked fit's objective minus
/// 2 * pairs * log(Scale), the Jacobian of the scaling (lme4: the deviance includes -sum(log weights)).
/// </param>
/// <param name="Evaluations">
/// Evaluations of the objective of theta and log(scale) (<see cref="JointFitter.Fit"/>), or the scales the outer search
/// fitted at (<see cref="JointFitter.FitByScaleSearch"/>).
/// </param>
/// <param name="FixedThetaSandwich">
/// Cluster-robust covariances (CR1, CR2) of the fixed effects by patient with theta and the scale held at their estimates:
/// about the model-based ones, and as much too small under feedback (docs/analysis.md). A diagnostic no report shows: null
/// unless the fit was asked for it (<see cref="JointFitter.Fit"/>), since it costs a second pass over every patient.
/// </param>
/// <param name="Full">
/// Covariances that count the estimation of the variance parameters: the full observed information's and the sandwich over
/// all parameters clustered by patient; the latter gives the reported interval (<see cref="RobustFixed"/>).
/// </param>
public sealed record JointFit(
    JointModel Model, MixedModelFit Fit, double Scale, double Objective, int Evaluations, ClusterRobustCovariance? FixedThetaSandwich, JointFullCovariance Full)
{
    /// <summary>qnorm(0.975).</summary>
    private const double NormalQuantile975 = 1.959963984540054;

    public double OutcomeResidualVariance => Fit.ResidualVariance;

    public double PredictorResidualVariance => Fit.ResidualVariance / (Scale * Scale);

    public FixedEffect Within => Fit.Fixed(Model.WithinTerm);

    public FixedEffect CarryOver => Fit.Fixed(Model.CarryOverTerm);

    /// <summary>The within effect with its cluster-robust standard error and Wald interval (<see cref="RobustFixed"/>).</summary>
    public FixedEffect WithinRobust => RobustFixed(Model.WithinTerm);

    /// <summary>The carry-over with its cluster-robust standard error and Wald interval (<see cref="RobustFixed"/>).</summary>
    public FixedEffect CarryOverRobust => RobustFixed(Model.CarryOverTerm);

    /// <summary>
    /// A fixed effect of the fit with the standard error of the sandwich over all parameters, clustered by patient
    /// (<see cref="JointFullCovariance.Sandwich"/>), and a normal-quantile Wald interval.
    /// </summary>
    public FixedEffect RobustFixed(string term)
    {
        var estimate = Fit.Fixed(term).Estimate;
        var index = Full.Index(term);
        var se = Math.Sqrt(Full.Sandwich[index][index]);
        return new FixedEffect(term, estimate, se, estimate / se, estimate - (NormalQuantile975 * se), estimate + (NormalQuantile975 * se));
    }
}

/// <summary>
/// Fits a <see cref="JointModel"/>: the engine profiles one residual variance, so the ratio of the two equations' residual
/// SDs (the scale on the predictor rows) is a further parameter, estimated with theta in one optimization of
/// <see cref="JointObjective"/>, then the stacked model is fitted once at that scale. The stacked fit's standard errors (lme4's vcov at the estimated theta and scale) are too small under
/// feedback and without it (docs/analysis.md): with lagged, only predetermined regressors the fixed effects are not
/// orthogonal to the variance parameters, whose estimation vcov leaves out, and so does a sandwich at fixed theta
/// (<see cref="JointFit.FixedThetaSandwich"/>). The reported intervals use the sandwich over all parameters
/// (<see cref="JointFit.Full"/>, <see cref="JointFit.RobustFixed"/>).
/// </summary>
public static class JointFitter
{
    /// <summary>Tolerance of the outer search on log(scale): the scale to a relative 1e-4, where the objective is flat to about 1e-5.</summary>
    private const double LogScaleTolerance = 1e-4;

    private const int MaxScaleEvaluations = 60;

    /// <summary>
    /// How much lower (relative) the fit from lme4's start must be to count as another basin and restart the optimization of
    /// theta and the scale from it; below this the two fits differ by rounding (about 1e-13 relative) or a flat optimum.
    /// </summary>
    private const double RestartGain = 1e-10;

    /// <summary>
    /// The optimizer of theta and log(scale): the default's coarse simplex and Newton steps, with a looser fallback simplex,
    /// since the fit at the chosen scale polishes theta with the default optimizer; the scale's relative 1e-6 is ample.
    /// </summary>
    private static readonly NewtonPolishedOptimizer JointOptimizer = new(
        new BoundedNelderMead(SimplexTolerance: 1e-2, MaxRestarts: 0),
        new BoundedNelderMead(SimplexTolerance: 1e-6, MaxRestarts: 1));

    /// <summary>
    /// The fits at the chosen scale: the default optimizer, with repeated points not evaluated again (the same fit bit for
    /// bit, fewer evaluations).
    /// </summary>
    private static readonly RememberingOptimizer CheckOptimizer = new(NewtonPolishedOptimizer.Default);

    /// <summary>
    /// The fits of the search steps: the default optimizer with a looser fallback simplex, since a step needs the
    /// objective to about 1e-8, not to rounding. The fit at the chosen scale uses the default optimizer.
    /// </summary>
    private static readonly NewtonPolishedOptimizer SearchOptimizer = new(
        new BoundedNelderMead(SimplexTolerance: 1e-2, MaxRestarts: 0),
        new BoundedNelderMead(SimplexTolerance: 1e-6, MaxRestarts: 1));

    /// <summary>
    /// Minimizes <see cref="JointObjective"/> over theta and log(scale) from lme4's start for theta and
    /// <see cref="JointDesign.StartScale"/>. Singular fits have local optima on the boundary of theta, so at the chosen
    /// scale the stacked model is also fitted from lme4's start, as the scale search did at each of its scales; when that
    /// is clearly lower (another basin), theta and the scale are optimized once more from there. The returned fit is the
    /// default optimizer's at the chosen scale, the lower of the two. Each optimization of theta and the scale that ends with
    /// a diagonal of theta on zero is continued from the same covariance with the column below it negated when the objective
    /// falls into the interior there (<see cref="ZeroDiagonalColumns"/>).
    /// </summary>
    /// <param name="fixedThetaSandwich">
    /// Also compute <see cref="JointFit.FixedThetaSandwich"/>. The reports leave it out: at a million sessions it is a
    /// per-patient eigendecomposition over a hundred thousand patients and a whitened copy of the stacked frame, for
    /// numbers they do not print.
    /// </param>
    public static JointFit Fit(JointDesign design, FitMethod method = FitMethod.Reml, bool fixedThetaSandwich = true)
    {
        ArgumentNullException.ThrowIfNull(design);
        var objective = new JointObjective(design, method);
        var k = objective.ThetaLength;
        var bounds = objective.LowerBounds();
        var columns = objective.ThetaColumns();
        var result = ZeroDiagonalColumns.Released(
            JointOptimizer, objective.Evaluate, JointOptimizer.Minimize(objective.Evaluate, objective.Start(design.StartScale()), bounds), bounds, columns);
        var evaluations = result.Evaluations;
        var scale = Math.Exp(result.Minimizer[k]);
        var spec = design.Spec(scale);
        var fromJoint = MixedModelFitter.Fit(spec, method, CheckOptimizer, result.Minimizer[..k]);
        var fromStart = MixedModelFitter.Fit(spec, method, CheckOptimizer);
        if (fromJoint.Objective - fromStart.Objective <= RestartGain * Math.Abs(fromJoint.Objective))
        {
            return Final(design, scale, spec, fromStart.Objective < fromJoint.Objective ? fromStart : fromJoint, evaluations, fixedThetaSandwich);
        }

        var again = ZeroDiagonalColumns.Released(
            JointOptimizer, objective.Evaluate, JointOptimizer.Minimize(objective.Evaluate, [.. fromStart.Theta, result.Minimizer[k]], bounds), bounds, columns);
        evaluations += again.Evaluations;
        scale = Math.Exp(again.Minimizer[k]);
        spec = design.Spec(scale);
        return Final(design, scale, spec, MixedModelFitter.Fit(spec, method, CheckOptimizer, again.Minimizer[..k]), evaluations, fixedThetaSandwich);
    }

    /// <summary>
    /// The estimator before <see cref="Fit"/>: an outer search over log(scale) (Brent), each step a full fit of theta. Kept
    /// as the reference <see cref="Fit"/> is tested and timed against; it can stop in a local optimum of the scale.
    /// </summary>
    /// <param name="design">The stacked data.</param>
    /// <param name="method">REML or ML.</param>
    /// <param name="logScaleTolerance">The search's tolerance on log(scale); tests tighten it to get a reference at the optimum.</param>
    public static JointFit FitByScaleSearch(JointDesign design, FitMethod method = FitMethod.Reml, double logScaleTolerance = LogScaleTolerance)
    {
        ArgumentNullException.ThrowIfNull(design);
        var cache = new Dictionary<double, (double Objective, MixedModelFit Fit)>();
        (double Objective, MixedModelFit Fit) At(double logScale)
        {
            if (!cache.TryGetValue(logScale, out var result))
            {
                // Each scale's fit starts from lme4's start, as lme4 would refit at new weights: a start carried over from
                // the last scale can stay in a worse local optimum of a singular fit.
                var fit = MixedModelFitter.Fit(design.Spec(Math.Exp(logScale)), method, SearchOptimizer);
                result = (Objective(fit.Objective, design.Pairs, Math.Exp(logScale)), fit);
                cache[logScale] = result;
            }

            return result;
        }

        var start = Math.Log(design.StartScale());
        var best = Brent(u => At(u).Objective, start - 0.1, start + 0.1, logScaleTolerance);
        var scale = Math.Exp(best);
        var spec = design.Spec(scale);
        return Final(design, scale, spec, MixedModelFitter.Fit(spec, method, startTheta: At(best).Fit.Theta), cache.Count, fixedThetaSandwich: true);
    }

    /// <summary>The result from the fit at the chosen scale (the default optimizer's) and its covariances.</summary>
    private static JointFit Final(JointDesign design, double scale, MixedModelSpec spec, MixedModelFit final, int evaluations, bool fixedThetaSandwich)
    {
        return new JointFit(
            design.Model,
            final,
            scale,
            Objective(final.Objective, design.Pairs, scale),
            evaluations,
            fixedThetaSandwich ? JointClusterRobust.Compute(spec, final.Theta) : null,
            JointInformation.Compute(spec, final, scale));
    }

    /// <summary>The objective of the unscaled data from the stacked fit's at <paramref name="scale"/>.</summary>
    public static double Objective(double stackedObjective, int pairs, double scale) => stackedObjective - (2 * pairs * Math.Log(scale));

    /// <summary>
    /// Brent's minimisation (golden section with parabolic steps) of a unimodal function; the bracket is widened first
    /// until its midpoint is lower than both ends.
    /// </summary>
    internal static double Brent(Func<double, double> f, double low, double high, double tolerance = LogScaleTolerance)
    {
        const double Golden = 0.3819660112501051;
        var evaluations = 0;
        var middle = 0.5 * (low + high);
        var (fLow, fMiddle, fHigh) = (f(low), f(middle), f(high));
        while ((fLow < fMiddle || fHigh < fMiddle) && evaluations++ < 20)
        {
            // Move the bracket towards the lower end, keeping its width.
            var width = high - low;
            if (fLow < fHigh)
            {
                (high, fHigh, middle, fMiddle) = (middle, fMiddle, low, fLow);
                low -= width / 2;
                fLow = f(low);
            }
            else
            {
                (low, fLow, middle, fMiddle) = (middle, fMiddle, high, fHigh);
                high += width / 2;
                fHigh = f(high);
            }
        }

        double x = middle, w = middle, v = middle, fx = fMiddle, fw = fMiddle, fv = fMiddle;
        double d = 0, e = 0;
        for (var iteration = 0; iteration < MaxScaleEvaluations; iteration++)
        {
            var m = 0.5 * (low + high);
            var tol = tolerance;
            if (Math.Abs(x - m) <= (2 * tol) - (0.5 * (high - low)))
            {
                break;
            }

            var golden = true;
            if (Math.Abs(e) > tol)
            {
                var r = (x - w) * (fx - fv);
                var q = (x - v) * (fx - fw);
                var p = ((x - v) * q) - ((x - w) * r);
                q = 2 * (q - r);
                if (q > 0)
                {
                    p = -p;
                }

                q = Math.Abs(q);
                if (Math.Abs(p) < Math.Abs(0.5 * q * e) && p > q * (low - x) && p < q * (high - x))
                {
                    e = d;
                    d = p / q;
                    var u0 = x + d;
                    if (u0 - low < 2 * tol || high - u0 < 2 * tol)
                    {
                        d = x < m ? tol : -tol;
                    }

                    golden = false;
                }
            }

            if (golden)
            {
                e = (x < m ? high : low) - x;
                d = Golden * e;
            }

            var u = x + (Math.Abs(d) >= tol ? d : (d > 0 ? tol : -tol));
            var fu = f(u);
            if (fu <= fx)
            {
                if (u < x)
                {
                    high = x;
                }
                else
                {
                    low = x;
                }

                (v, fv, w, fw, x, fx) = (w, fw, x, fx, u, fu);
            }
            else
            {
                if (u < x)
                {
                    low = u;
                }
                else
                {
                    high = u;
                }

                if (fu <= fw || w == x)
                {
                    (v, fv, w, fw) = (w, fw, u, fu);
                }
                else if (fu <= fv || v == x || v == w)
                {
                    (v, fv) = (u, fu);
                }
            }
        }

        return x;
    }
}
