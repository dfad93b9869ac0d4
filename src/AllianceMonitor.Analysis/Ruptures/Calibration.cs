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
/// <param name="SymptomEffectPerPoint">
/// The clinic's within-patient effect of alliance on next-session symptoms (alliance_to_symptoms,
/// <c>alliance_within</c>), when fitted; null otherwise.
/// </param>
/// <param name="Model">
/// The rupture detector's prediction model, fitted robustly on the same ratings (<see cref="RobustCalibration"/>); null
/// on calibrations stored before rule version 3, which then use <see cref="PredictionModel.FromNullModel"/>.
/// </param>
public sealed record Calibration(
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

    /// <summary>
    /// Defaults for a clinic without enough data. WAI-SR: item mean near 4.2 with a between-patient SD near .45
    /// (ceiling-crowded ratings, Sagui-Henson et al. 2022) and a within-patient SD of .30 (dependability about .77,
    /// Crits-Christoph et al. 2011, puts within-patient variance near a quarter of the total). SRS: the same shape on
    /// its 0-40 scale. They are conservative stand-ins, not norms; alerts judged against them say so.
    /// </summary>
    public static Calibration Default(InstrumentDefinition instrument) => instrument.Code switch
    {
        "srs" => new Calibration(instrument.Code, 0, true, 35.5, 9.0, 2.5, 30.0, 0, 0),
        _ => new Calibration(instrument.Code, 0, true, 4.2, 0.45 * 0.45, 0.30, 3.4, 0, 0),
    };

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

        var result = NullModel.Fit(ratings);
        var series = ratings.Where(r => r.Alliance.HasValue)
            .GroupBy(r => r.PatientId, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<RatedSession>)g.OrderBy(r => r.Session).Select(r => new RatedSession(r.Session, r.Alliance!.Value)).ToList())
            .ToList();
        var shrunken = result.PersonMeans.Select(p => p.ShrunkenMean).Order().ToArray();
        return new Calibration(
            instrument.Code,
            version,
            IsDefault: false,
            GrandMean: result.Fit.FixedEffects[0].Estimate,
            BetweenVariance: result.Summary.BetweenVariance,
            WithinSd: result.Summary.WithinSd,
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
