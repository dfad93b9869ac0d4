namespace AllianceMonitor.Analysis.Instruments;

/// <summary>What an instrument measures, which decides whether it feeds the alliance or the symptom side of the models.</summary>
public enum Construct
{
    Alliance,
    Symptoms,
    WellBeing,
}

/// <summary>Whether a higher score means a better or a worse state; rupture and change rules depend on it.</summary>
public enum ScoreDirection
{
    HigherIsBetter,
    HigherIsWorse,
}

/// <summary>How the total is formed from the items.</summary>
public enum Aggregation
{
    Sum,
    Mean,
}

/// <summary>A named subset of items scored the same way as the total (for example the WAI-SR bond scale).</summary>
/// <param name="Items">One-based item numbers as printed on the form.</param>
public sealed record Subscale(string Name, IReadOnlyList<int> Items);

/// <summary>A lower bound (inclusive) of a severity band, with its label.</summary>
public sealed record SeverityBand(double From, string Label);

/// <summary>
/// What the detector assumes about an alliance instrument in a clinic without enough data of its own: the null
/// model's grand mean, between-patient variance and within-patient SD, and the level below which a patient's usual
/// alliance counts as low. They are conservative stand-ins, not norms; alerts judged against them say so.
/// </summary>
public sealed record CalibrationDefaults(double GrandMean, double BetweenVariance, double WithinSd, double LowAllianceThreshold);

/// <summary>A single rating below which the instrument's own practice calls for attention, whatever the patient's baseline.</summary>
/// <param name="Below">The default threshold; a clinic may move it (<c>DetectorSettings.SrsConcernThreshold</c>).</param>
/// <param name="Label">How explanations name the score, e.g. "SRS total".</param>
/// <param name="Source">Whose practice the threshold follows, quoted in explanations.</param>
public sealed record ConcernThreshold(double Below, string Label, string Source);

/// <summary>
/// One row of the instrument catalog. Everything the validator, the scorer and the detector need about an instrument
/// is data here, not code elsewhere.
/// </summary>
/// <param name="ItemCount">Number of items; zero for a licensed instrument that accepts only a total.</param>
/// <param name="ItemStep">1 for integer items, 0.1 for visual-analogue items recorded to one decimal.</param>
/// <param name="DefaultTiming">When in the session the form is usually given: alliance after, outcome before.</param>
/// <param name="AlertLabel">How alert explanations name the instrument; its <see cref="Name"/> when not set.</param>
/// <param name="DefaultCalibration">For an alliance instrument, the detector's stand-in calibration (see <see cref="CalibrationDefaults"/>).</param>
/// <param name="Concern">For an instrument whose practice sets a concern threshold on a single rating (SRS).</param>
/// <param name="ReliableChange">
/// The smallest change of the total, in the total's points, that counts as reliable (Jacobson &amp; Truax 1991): a
/// change of at least this much, as the published values are stated ("6 points or more"). Null where no value can be cited.
/// </param>
/// <param name="ReliableChangeSource">Where <paramref name="ReliableChange"/> comes from, quoted in evidence and docs.</param>
/// <param name="ClinicalCutoff">
/// Where the clinical range starts, on the total: for a higher-is-worse scale a total at or above it is clinical
/// (PHQ-9 10 or more); for a higher-is-better scale a total below it is (WHO-5 raw below 13).
/// </param>
/// <param name="ClinicalCutoffSource">Where <paramref name="ClinicalCutoff"/> comes from.</param>
/// <param name="PercentFactor">Set where practice reads the total as a percentage (WHO-5: raw x 4); explanations show it so.</param>
public sealed record InstrumentDefinition(
    string Code,
    string Name,
    Construct Construct,
    ScoreDirection Direction,
    int ItemCount,
    double ItemMin,
    double ItemMax,
    double ItemStep,
    Aggregation Aggregation,
    double TotalMin,
    double TotalMax,
    Timing DefaultTiming,
    IReadOnlyList<Subscale> Subscales,
    IReadOnlyList<SeverityBand> Bands,
    double? ReliableChange = null,
    double? ClinicalCutoff = null,
    string? Loinc = null,
    string Reference = "",
    string? AlertLabel = null,
    CalibrationDefaults? DefaultCalibration = null,
    ConcernThreshold? Concern = null,
    string? ReliableChangeSource = null,
    string? ClinicalCutoffSource = null,
    double? PercentFactor = null)
{
    /// <summary>Alliance instruments feed the detector and the alliance side of the models.</summary>
    public bool MeasuresAlliance => Construct == Construct.Alliance;

    /// <summary>Symptom instruments feed the symptom side of the models (well-being measures do not).</summary>
    public bool MeasuresSymptoms => Construct == Construct.Symptoms;

    public string Label => AlertLabel ?? Name;

    /// <summary>Licensed instruments (OQ-45.2) may not have their items stored; only the total is accepted.</summary>
    public bool TotalOnly => ItemCount == 0;

    public bool IntegerItems => ItemStep >= 1;

    /// <summary>Symptom and well-being measures: the ones reliable change and recovery are judged on.</summary>
    public bool MeasuresOutcome => Construct != Construct.Alliance;
}
