namespace AllianceMonitor.Analysis.Mixed;

public enum FitMethod
{
    /// <summary>Restricted maximum likelihood, lme4's default.</summary>
    Reml,

    /// <summary>Maximum likelihood.</summary>
    Ml,
}
