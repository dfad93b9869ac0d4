namespace AllianceMonitor.Analysis.Ruptures;

/// <summary>
/// What the rupture detector (rule version 3) predicts a patient's next rating from, as calibrated on the clinic's own
/// ratings: rating = level + slope x (session - 1) + AR(1) noise, with the patient's level and slope drawn from the
/// clinic's distribution (so a new patient starts at the clinic's values and moves to their own as sessions arrive).
/// </summary>
/// <param name="Method">How it was estimated: <see cref="RobustMethod"/>, <see cref="DefaultMethod"/> or <see cref="FromNullModelMethod"/>.</param>
/// <param name="NoiseSd">Within-patient SD around the patient's own trend (stationary SD of the AR(1) noise).</param>
/// <param name="Phi">AR(1) coefficient: how much of one session's deviation carries over to the next.</param>
/// <param name="LevelMean">The clinic's typical level at session 1; <paramref name="LevelSd"/> its spread between patients.</param>
/// <param name="SlopeMean">The clinic's typical change per session; <paramref name="SlopeSd"/> its spread between patients.</param>
/// <param name="NullCenter">
/// Centre of the clinic's standardized one-step prediction errors; <paramref name="NullScale"/> their SD. Both from a
/// normal fitted to the lower 40% of the errors, which ruptures (always drops) hardly touch. Thresholds are set on this null distribution, so a model that is slightly off is corrected by it.
/// </param>
/// <param name="JudgedShare">Share of the clinic's rated sessions that can be judged (enough earlier sessions, not at the scale maximum).</param>
public sealed record PredictionModel(
    string Method,
    double NoiseSd,
    double Phi,
    double LevelMean,
    double LevelSd,
    double SlopeMean,
    double SlopeSd,
    double NullCenter,
    double NullScale,
    double JudgedShare)
{
    public const string RobustMethod = "robust_trend_ar1";
    public const string DefaultMethod = "defaults";
    public const string FromNullModelMethod = "null_model";

    /// <summary>
    /// For calibrations stored before rule version 3 (no prediction model of their own): the null model's values with
    /// the typical AR(1) of weekly process measures (0.3) and no trend. Conservative, because that within SD includes the
    /// dips and trends the robust fit leaves out.
    /// </summary>
    public static PredictionModel FromNullModel(Calibration calibration, string method = FromNullModelMethod) => new(
        method,
        calibration.WithinSd,
        0.3,
        calibration.GrandMean,
        Math.Sqrt(calibration.BetweenVariance),
        0,
        0.08 * calibration.WithinSd,
        0,
        1,
        0.8);
}
