namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// A clinic's rupture-detection thresholds. Every value is a per-clinic setting; the defaults are documented in
/// README ("Rupture alerts") with their sources.
/// </summary>
/// <param name="K">A rupture is a drop of at least K within-patient SDs (and at least the reliable change). Gumz et al. (2012) discuss 1 SD (lenient) and 2 SD (strict) rules.</param>
/// <param name="MinBaselineSessions">Rated sessions needed before a drop can be judged against the patient's own baseline.</param>
/// <param name="RepairWindow">Sessions after a rupture within which a return to baseline counts as a repair.</param>
/// <param name="LowAllianceCooldown">A low-alliance alert is raised at most once per this many sessions.</param>
/// <param name="LowAllianceQuantile">Shrunken means below this quantile of the clinic's patients count as chronically low.</param>
/// <param name="SrsConcernThreshold">SRS totals below this are an alliance concern in PCOMS practice (Duncan et al. 2003).</param>
/// <param name="Reliability">Reliability used for the reliable change and the measurement error (about .90 for WAI-SR).</param>
/// <param name="RefitEvery">The clinic's calibration is refitted after this many new sessions.</param>
public sealed record DetectorSettings(
    double K = 2.0,
    int MinBaselineSessions = 2,
    int RepairWindow = 3,
    int LowAllianceCooldown = 5,
    double LowAllianceQuantile = 0.10,
    double SrsConcernThreshold = 36,
    double Reliability = 0.90,
    int RefitEvery = 50)
{
    public static DetectorSettings Default { get; } = new();
}
