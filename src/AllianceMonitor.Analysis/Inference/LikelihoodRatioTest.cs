using AllianceMonitor.Analysis.Mixed;

namespace AllianceMonitor.Analysis.Inference;

/// <summary>How one fit behind a test ended.</summary>
public sealed record FitCheck(FitMethod Method, double LogLikelihood, bool Converged, bool Singular)
{
    public static FitCheck Of(MixedModelFit fit) => new(fit.Method, fit.LogLikelihood, fit.Converged, fit.Singular);
}

/// <summary>
/// A likelihood-ratio test of nested models fitted by ML: chi-square = 2 (logLik full - logLik reduced) on the difference
/// in the number of fixed effects, as lme4's <c>anova(reduced, full)</c> computes it.
/// </summary>
public sealed record LikelihoodRatioTest(int Df, double ChiSquareStatistic, double PValue, FitCheck Full, FitCheck Reduced)
{
    /// <summary>Both models must be ML fits of the same rows with the same random effects, the reduced one's fixed effects a subset.</summary>
    public static LikelihoodRatioTest Compare(MixedModelFit full, MixedModelFit reduced)
    {
        if (full.Method != FitMethod.Ml || reduced.Method != FitMethod.Ml)
        {
            throw new ArgumentException("A likelihood-ratio test of fixed effects needs ML fits.");
        }

        if (full.ObservationCount != reduced.ObservationCount)
        {
            throw new ArgumentException("The two fits must use the same rows.");
        }

        var df = full.FixedEffects.Count - reduced.FixedEffects.Count;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(df);

        // The reduced model is nested, so a negative difference is optimizer rounding (about 1e-9): read as 0.
        var statistic = Math.Max(0, 2 * (full.LogLikelihood - reduced.LogLikelihood));
        return new LikelihoodRatioTest(df, statistic, ChiSquare.UpperTail(statistic, df), FitCheck.Of(full), FitCheck.Of(reduced));
    }
}
