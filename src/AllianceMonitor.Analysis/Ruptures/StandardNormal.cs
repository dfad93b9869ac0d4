namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>The standard normal distribution: density, upper tail, quantile and the moments of its upper truncation.</summary>
public static class StandardNormal
{
    public static double Pdf(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);

    /// <summary>P(Z &gt; z), with a continued fraction in the far tail so that small budgets keep their relative accuracy.</summary>
    public static double UpperTail(double z)
    {
        if (z < 0)
        {
            return 1 - UpperTail(-z);
        }

        if (z > 5)
        {
            // Laplace's continued fraction for the Mills ratio; six terms are exact to double precision out here.
            var fraction = z;
            for (var k = 6; k >= 1; k--)
            {
                fraction = z + (k / fraction);
            }

            return Pdf(z) / fraction;
        }

        // Zelen & Severo (1964), 26.2.17: absolute error below 7.5e-8, relative error small enough for tails above 1e-7.
        var t = 1 / (1 + (0.2316419 * z));
        var poly = t * (0.319381530 + (t * (-0.356563782 + (t * (1.781477937 + (t * (-1.821255978 + (t * 1.330274429))))))));
        return Pdf(z) * poly;
    }

    /// <summary>The z with P(Z &gt; z) = <paramref name="upperTail"/> (Acklam's rational approximation plus one Newton step).</summary>
    public static double UpperQuantile(double upperTail)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(upperTail);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(upperTail, 1.0);
        var p = 1 - upperTail;
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        double z;
        if (upperTail < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(upperTail));
            z = -(((((((((c[0] * q) + c[1]) * q) + c[2]) * q) + c[3]) * q) + c[4]) * q + c[5]) / ((((((((d[0] * q) + d[1]) * q) + d[2]) * q) + d[3]) * q) + 1);
        }
        else if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            z = (((((((((c[0] * q) + c[1]) * q) + c[2]) * q) + c[3]) * q) + c[4]) * q + c[5]) / ((((((((d[0] * q) + d[1]) * q) + d[2]) * q) + d[3]) * q) + 1);
        }
        else
        {
            var q = p - 0.5;
            var r = q * q;
            z = (((((((((a[0] * r) + a[1]) * r) + a[2]) * r) + a[3]) * r) + a[4]) * r + a[5]) * q
                / (((((((((b[0] * r) + b[1]) * r) + b[2]) * r) + b[3]) * r) + b[4]) * r + 1);
        }

        // One Newton step on the upper tail polishes the approximation.
        return z + ((UpperTail(z) - upperTail) / Pdf(z));
    }

    /// <summary>
    /// Mean and variance of Z given Z &gt; a (the standard normal truncated below at a): via the inverse Mills
    /// ratio λ = φ(a) / P(Z &gt; a); mean λ, variance 1 + aλ - λ².
    /// </summary>
    public static (double Mean, double Variance) TruncatedBelow(double a)
    {
        var lambda = a > 5 ? MillsInverse(a) : Pdf(a) / UpperTail(a);
        return (lambda, Math.Max(1e-9, 1 + (a * lambda) - (lambda * lambda)));
    }

    private static double MillsInverse(double a)
    {
        var fraction = a;
        for (var k = 6; k >= 1; k--)
        {
            fraction = a + (k / fraction);
        }

        return fraction;
    }
}
