using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Inference;

/// <summary>
/// Normal tails and quantiles to double precision for reported p-values and intervals, through the chi-square(1) tail
/// (P(|Z| &gt; z) = P(chi-square(1) &gt; z^2)). The detector's <see cref="StandardNormal"/> is accurate to about 1e-7, enough
/// for thresholds but visible against R's pnorm and qnorm.
/// </summary>
public static class Normal
{
    /// <summary>P(|Z| &gt; |z|).</summary>
    public static double TwoSidedP(double z) => ChiSquare.UpperTail(z * z, 1);

    /// <summary>The z with P(Z &gt; z) = <paramref name="upperTail"/>, for upper tails below one half.</summary>
    public static double UpperQuantile(double upperTail)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(upperTail, 0.5);
        var z = StandardNormal.UpperQuantile(upperTail);
        for (var step = 0; step < 3; step++)
        {
            // Newton on P(Z > z) - upperTail; the derivative is -pdf(z).
            z += ((TwoSidedP(z) / 2) - upperTail) / StandardNormal.Pdf(z);
        }

        return z;
    }
}
