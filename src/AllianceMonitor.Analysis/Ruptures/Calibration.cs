using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Models;

namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// What the detector knows about a clinic's alliance ratings on one instrument: the grand mean, the
/// between-patient variance and the within-patient SD of the null model, and the thresholds derived from them.
/// </summary>
/// <param name="Version">Increases with every refit, so an alert names the calibration it was judged against.</param>
/// <param name="IsDefault">True while the clinic has too little data and documented defaults stand in.</param>
/// <param name="LowAllianceThreshold">Shrunken means below this are in the clinic's lowest decile.</param>
/// <remarks>Not sealed: the service's stored calibration is this record plus where and when it was fitted.</remarks>
/// <param name="SymptomEffectPerPoint">
/// The clinic's within-patient effect of alliance on next-session symptoms (alliance_to_symptoms,
/// <c>alliance_within</c>), when fitted; null otherwise.
/// </param>
/// <param name="Model">
/// The rupture detector's prediction model, fitted robustly on the same ratings (<see cref="RobustCalibration"/>); null
/// on calibrations stored before rule version 3, which then use <see cref="PredictionModel.FromNullModel"/>.
/// </param>
public record Calibration(
    string Instrument,
    int Version,
    bool IsDefault,
    double GrandMean,
    double BetweenVariance,
    double WithinSd,
    double LowAllianceThreshold,
    int Patients,
    int Ratings,
    double? SymptomEffectPerPoint = null,
    PredictionModel? Model = null)
{
    /// <summary>The prediction model the detector uses: the fitted one, or the null model's values for older calibrations.</summary>
    public PredictionModel ModelOrFallback() => Model ?? PredictionModel.FromNullModel(this, IsDefault ? PredictionModel.DefaultMethod : PredictionModel.FromNullModelMethod);

    /// <summary>Clinics need at least this many patients with <see cref="MinRatedSessions"/> rated sessions before their own data is used.</summary>
    public const int MinPatients = 30;
    public const int MinRatedSessions = 3;

    /// <summary>Standard error of measurement of one rating: total SD x sqrt(1 - reliability).</summary>
    public double MeasurementError(double reliability) =>
        Math.Sqrt(BetweenVariance + (WithinSd * WithinSd)) * Math.Sqrt(1 - reliability);

    /// <summary>Jacobson &amp; Truax (1991) reliable change: 1.96 x sqrt(2) x SEM.</summary>
    public double ReliableChange(double reliability) => 1.96 * Math.Sqrt(2) * MeasurementError(reliability);

    /// <summary>The instrument's documented defaults (<see cref="InstrumentDefinition.DefaultCalibration"/>) for a clinic without enough data.</summary>
    public static Calibration Default(InstrumentDefinition instrument) =>
        instrument.DefaultCalibration is { } d
            ? new Calibration(instrument.Code, 0, true, d.GrandMean, d.BetweenVariance, d.WithinSd, d.LowAllianceThreshold, 0, 0)
            : throw new ArgumentException($"{instrument.Code} is not an alliance instrument: it has no detector calibration.", nameof(instrument));

    /// <summary>
    /// Calibrates from the clinic's ratings (one instrument, one rater) with the null model
    /// <c>alliance ~ 1 + (1 | patient_id)</c>; falls back to <see cref="Default"/> while data are too few.
    /// </summary>
    public static Calibration FromRatings(
        InstrumentDefinition instrument,
        IReadOnlyCollection<Data.SessionObservation> ratings,
        int version,
        DetectorSettings settings,
        double? symptomEffectPerPoint = null)
    {
        var rated = ratings.Count(r => r.Alliance.HasValue);
        var eligible = ratings.Where(r => r.Alliance.HasValue)
            .GroupBy(r => r.PatientId, StringComparer.Ordinal)
            .Count(g => g.Count() >= MinRatedSessions);
        if (eligible < MinPatients)
        {
            return Default(instrument) with { Version = version, Patients = eligible, Ratings = rated, SymptomEffectPerPoint = symptomEffectPerPoint };
        }

        var series = ratings.Where(r => r.Alliance.HasValue)
            .GroupBy(r => r.PatientId, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<RatedSession>)g.OrderBy(r => r.Session).Select(r => new RatedSession(r.Session, r.Alliance!.Value)).ToList())
            .ToList();
        return Fitted(instrument, version, settings, symptomEffectPerPoint, PackedRatings.From(series), eligible, rated);
    }

    /// <summary>
    /// The fitted calibration from each patient's ratings in session order: the null model
    /// (<see cref="NullModel.FitGrouped"/>) and the robust prediction model. What both <see cref="FromRatings"/> and the
    /// streamed <see cref="ClinicSeries"/> end with, so the two cannot drift apart.
    /// </summary>
    /// <exception cref="InsufficientDataException">The null model has too little to fit.</exception>
    internal static Calibration Fitted(
        InstrumentDefinition instrument, int version, DetectorSettings settings, double? symptomEffectPerPoint,
        PackedRatings series, int eligible, int rated)
    {
        var result = NullModel.FitGrouped(series.Values, series.Starts);
        var shrunken = result.ShrunkenMeans;
        Array.Sort(shrunken);
        return new Calibration(
            instrument.Code,
            version,
            IsDefault: false,
            GrandMean: result.GrandMean,
            BetweenVariance: result.BetweenVariance,
            WithinSd: Math.Sqrt(result.WithinVariance),
            LowAllianceThreshold: Quantile(shrunken, settings.LowAllianceQuantile),
            Patients: eligible,
            Ratings: rated,
            SymptomEffectPerPoint: symptomEffectPerPoint,
            Model: RobustCalibration.Fit(series, instrument, settings));
    }

    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
