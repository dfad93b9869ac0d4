using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// A clinic's rupture-detection settings. Every value is a per-clinic setting; each default's reason is below, and the
/// benchmark behind them is in bench/README.md ("rupture detection").
/// </summary>
/// <param name="K">
/// Set by hand: a rupture is a drop of at least K of this clinic's prediction SDs below what the patient's own history
/// predicts. Null (the default): K follows from <paramref name="FalseAlertBudget"/> and the clinic's calibrated null
/// distribution of prediction errors (<see cref="Thresholds"/>).
/// </param>
/// <param name="SustainedK">
/// Set by hand: two sessions in a row whose combined drop is at least this many SDs of that combined drop are a rupture
/// too (<see cref="RuptureDetector.TwoLowRule"/>; a very large value switches the rule off). Null: from the budget.
/// </param>
/// <param name="FalseAlertBudget">
/// How many rupture alerts per 100 rated sessions the clinic accepts on ratings without any rupture. 0.5 by default:
/// issue 11's target is at most 1, and a budget of half that leaves room for a null that is heavier-tailed than normal.
/// </param>
/// <param name="MinBaselineSessions">Rated sessions needed before a drop can be judged against the patient's own history.</param>
/// <param name="RepairWindow">Sessions after a rupture within which a return to the predicted level counts as a repair.</param>
/// <param name="LowAllianceCooldown">A low-alliance alert is raised at most once per this many sessions.</param>
/// <param name="LowAllianceQuantile">Shrunken means below this quantile of the clinic's patients count as chronically low.</param>
/// <param name="SrsConcernThreshold">SRS totals below this are an alliance concern in PCOMS practice (Duncan et al. 2003).</param>
/// <param name="Reliability">Reliability used for the reliable change and the measurement error (about .90 for WAI-SR).</param>
/// <param name="RefitEvery">The clinic's calibration is refitted after this many new sessions.</param>
/// <param name="DeteriorationAlerts">
/// Whether a reliable deterioration on a symptom or well-being measure raises a <c>deterioration</c> alert. On by
/// default: it is the core signal of measurement-based care (Jacobson and Truax 1991; OQ-Analyst's alarms).
/// </param>
/// <param name="DeteriorationInstruments">
/// The measures a deterioration alert is raised for. Null (the default): every symptom and well-being measure of the
/// catalog with a citable reliable-change value: phq-9, gad-7, who-5, ors, core-10, oq-45.
/// </param>
/// <param name="UnnoticedDropAlerts">
/// Whether a client's rupture that the therapist's rating of the same session did not register raises an
/// <c>unnoticed_drop</c> alert. On by default: therapists miss part of their clients' dips (Hatcher et al. 2020), and
/// agreement between the two predicts outcome (Roest et al. 2022). Needs therapist ratings; without them it never fires.
/// </param>
public sealed record DetectorSettings(
    double? K = null,
    int MinBaselineSessions = 2,
    int RepairWindow = 3,
    int LowAllianceCooldown = 5,
    double LowAllianceQuantile = 0.10,
    double SrsConcernThreshold = InstrumentCatalog.SrsConcernThreshold,
    double Reliability = 0.90,
    int RefitEvery = 50,
    double? SustainedK = null,
    double FalseAlertBudget = 0.5,
    bool DeteriorationAlerts = true,
    IReadOnlyList<string>? DeteriorationInstruments = null,
    bool UnnoticedDropAlerts = true)
{
    public static DetectorSettings Default { get; } = new();

    /// <summary>Whether a deterioration on this measure raises an alert at this clinic.</summary>
    public bool AlertsOnDeterioration(InstrumentDefinition instrument) =>
        DeteriorationAlerts && instrument.MeasuresOutcome && instrument.ReliableChange is not null
        && (DeteriorationInstruments ?? InstrumentCatalog.WithReliableChange.Select(i => i.Code).ToArray()).Contains(instrument.Code);
}
