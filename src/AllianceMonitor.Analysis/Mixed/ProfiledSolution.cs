namespace AllianceMonitor.Analysis.Mixed;

/// <summary>The penalized least-squares solution at one theta.</summary>
/// <remarks>
/// <para>FixedFactor: Lower Cholesky factor of the fixed-effects Schur complement (R_X' in lme4's notation).</para>
/// <para>PenalizedResidualSquares: r^2: residual sum of squares plus the squared length of the spherical random effects.</para>
/// <para>LogDetL: log |L_theta|^2.</para>
/// <para>LogDetRX: log |R_X|^2.</para>
/// </remarks>
internal sealed record ProfiledSolution(
    double[] Theta,
    double[] Beta,
    double[] FixedFactor,
    double PenalizedResidualSquares,
    double LogDetL,
    double LogDetRX,
    int Observations,
    int FixedCount,
    int InterceptIndex,
    double ResponseShift)
{
    /// <summary>
    /// Fixed effects on the scale of the original response. <see cref="Beta"/> belongs to the
    /// response shifted by <see cref="ResponseShift"/>, which only the intercept absorbs.
    /// </summary>
    public double[] Coefficients
    {
        get
        {
            var coefficients = (double[])Beta.Clone();
            if (InterceptIndex >= 0)
            {
                coefficients[InterceptIndex] += ResponseShift;
            }

            return coefficients;
        }
    }

    /// <summary>Residual degrees of freedom that lme4 divides r^2 by.</summary>
    public double Denominator(FitMethod method) => method == FitMethod.Reml ? Observations - FixedCount : Observations;

    public double ResidualVariance(FitMethod method) => PenalizedResidualSquares / Denominator(method);

    /// <summary>
    /// Finishes an evaluation from the reduced system: <paramref name="schur"/> is X'X minus the
    /// random-effects part (lower triangle filled), <paramref name="rhs"/> X'y minus its part, and
    /// <paramref name="reducedSquares"/> y'y minus the squared length of the random-effects part.
    /// </summary>
    internal static ProfiledSolution Complete(
        double[] theta,
        double[] schur,
        double[] rhs,
        double reducedSquares,
        double logDetL,
        int observations,
        CrossProducts products)
    {
        var p = products.P;
        for (var r = 0; r < p; r++)
        {
            for (var c = r + 1; c < p; c++)
            {
                schur[(r * p) + c] = schur[(c * p) + r];
            }
        }

        if (!SmallDense.CholeskyInPlace(schur, p))
        {
            throw new InvalidOperationException("The fixed-effects design is rank deficient.");
        }

        var beta = (double[])rhs.Clone();
        SmallDense.ForwardSolveInPlace(schur, p, beta, 1);
        var penalizedSquares = reducedSquares;
        for (var r = 0; r < p; r++)
        {
            penalizedSquares -= beta[r] * beta[r];
        }

        SmallDense.BackSolveTransposedInPlace(schur, p, beta);
        return new ProfiledSolution(
            theta,
            beta,
            schur,
            Math.Max(penalizedSquares, 0),
            logDetL,
            SmallDense.LogDeterminantOfProduct(schur, p),
            observations,
            p,
            products.InterceptIndex,
            products.ResponseShift);
    }

    public double Objective(FitMethod method)
    {
        var d = Denominator(method);
        var profiled = d * (1 + Math.Log(2 * Math.PI * PenalizedResidualSquares / d));
        return method == FitMethod.Reml ? LogDetL + LogDetRX + profiled : LogDetL + profiled;
    }
}
