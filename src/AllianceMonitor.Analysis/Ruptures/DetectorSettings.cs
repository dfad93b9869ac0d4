using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// A clinic's rupture-detection thresholds. Every value is a per-clinic setting; each default's reason is below, and
/// the benchmark behind K and SustainedK is in bench/README.md ("rupture detection").
/// </summary>
/// <param name="K">
/// A rupture is a drop of at least K prediction SDs (the SD of a new rating around a baseline of this many sessions,
/// <see cref="RuptureDetector.PredictionSd"/>) and at least the reliable change. Gumz et al. (2012) discuss 1 SD and
/// 2 SD rules, but a one-session test at 2 SDs alarms falsely at about 2.3% of sessions by construction (1.5 false
/// alerts per 100 sessions in the detection benchmark); 2.8 was the best F1 on the benchmark's tuning seeds (bench/README.md).
/// </param>
/// <param name="SustainedK">
/// Two sessions in a row that are each at least this many prediction SDs (and the reliable change) below the baseline
/// are a rupture too (<see cref="RuptureDetector.TwoLowRule"/>). 2.25: best F1 together with K = 2.8 on the tuning seeds;
/// a very large value switches the rule off.
/// </param>
/// <param name="MinBaselineSessions">Rated sessions needed before a drop can be judged against the patient's own baseline.</param>
/// <param name="RepairWindow">Sessions after a rupture within which a return to baseline counts as a repair.</param>
/// <param name="LowAllianceCooldown">A low-alliance alert is raised at most once per this many sessions.</param>
/// <param name="LowAllianceQuantile">Shrunken means below this quantile of the clinic's patients count as chronically low.</param>
/// <param name="SrsConcernThreshold">SRS totals below this are an alliance concern in PCOMS practice (Duncan et al. 2003).</param>
/// <param name="Reliability">Reliability used for the reliable change and the measurement error (about .90 for WAI-SR).</param>
/// <param name="RefitEvery">The clinic's calibration is refitted after this many new sessions.</param>
public sealed record DetectorSettings(
    double K = 2.8,
    int MinBaselineSessions = 2,
    int RepairWindow = 3,
    int LowAllianceCooldown = 5,
    double LowAllianceQuantile = 0.10,
    double SrsConcernThreshold = InstrumentCatalog.SrsConcernThreshold,
    double Reliability = 0.90,
    int RefitEvery = 50,
    double SustainedK = 2.25)
{
    public static DetectorSettings Default { get; } = new();
}
