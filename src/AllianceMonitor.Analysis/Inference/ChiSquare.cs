namespace AllianceMonitor.Analysis.Inference;

/// <summary>The chi-square distribution's upper tail, for likelihood-ratio tests.</summary>
public static class ChiSquare
{
    /// <summary>The 0.95 quantile with one degree of freedom (1.959964^2): the cut-off of a 95% profile-likelihood interval.</summary>
    public const double Quantile95Df1 = 3.841458820694124;

    /// <summary>P(X &gt; x) for X ~ chi-square with <paramref name="df"/> degrees of freedom.</summary>
    public static double UpperTail(double x, int df)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(df);
        return x <= 0 ? 1.0 : RegularizedUpperGamma(df / 2.0, x / 2.0);
    }

    /// <summary>Q(a, x) = Gamma(a, x) / Gamma(a): a power series for P below x = a + 1, a continued fraction for Q above.</summary>
    internal static double RegularizedUpperGamma(double a, double x)
    {
        var logPrefix = (a * Math.Log(x)) - x - LogGamma(a);
        if (x < a + 1)
        {
            // P(a, x) = x^a e^-x / Gamma(a + 1) * sum_k x^k / ((a + 1) ... (a + k)).
            double term = 1 / a, sum = term;
            for (var k = 1; k < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; k++)
            {
                term *= x / (a + k);
                sum += term;
            }

            return Math.Max(0, 1 - (sum * Math.Exp(logPrefix)));
        }

        // Modified Lentz evaluation of Q's continued fraction 1 / (x + 1 - a - 1(1 - a) / (x + 3 - a - 2(2 - a) / (x + 5 - a - ...))).
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 1000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }

    /// <summary>log Gamma(a) for a &gt; 0 (Lanczos, g = 7, nine coefficients; relative error near 1e-15).</summary>
    internal static double LogGamma(double a)
    {
        if (a < 0.5)
        {
            // Reflection: Gamma(a) Gamma(1 - a) = pi / sin(pi a).
            return Math.Log(Math.PI / Math.Sin(Math.PI * a)) - LogGamma(1 - a);
        }

        ReadOnlySpan<double> g =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61503916999185,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        a -= 1;
        var series = g[0];
        for (var k = 1; k < g.Length; k++)
        {
            series += g[k] / (a + k);
        }

        var t = a + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((a + 0.5) * Math.Log(t)) - t + Math.Log(series);
    }
}
