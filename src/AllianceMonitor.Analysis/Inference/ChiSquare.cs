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

    /// <summary>
    /// log Gamma(a) for a = df / 2, exactly up to rounding: Gamma(1) = 1 and Gamma(1/2) = sqrt(pi), then
    /// Gamma(a + 1) = a Gamma(a). The degrees of freedom here are small integers, so no approximation is needed.
    /// </summary>
    internal static double LogGamma(double a)
    {
        var twice = 2 * a;
        if (twice < 1 || Math.Abs(twice - Math.Round(twice)) > 1e-12 || twice > 2000)
        {
            throw new ArgumentOutOfRangeException(nameof(a), a, "Only half-integer arguments up to 1000 are supported.");
        }

        var x = Math.Round(twice) % 2 == 0 ? 1.0 : 0.5;
        var log = x == 1.0 ? 0.0 : 0.5 * Math.Log(Math.PI);
        for (; x < a - 0.25; x += 1)
        {
            log += Math.Log(x);
        }

        return log;
    }
}
