using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Api.Calibrations;

/// <summary>
/// A calibration that is always usable. Data a model cannot be fitted to (every rating at the ceiling, no variation
/// within patients, a rank-deficient design) yield the instrument's documented defaults and the reason, not an
/// exception: one clinic's data must not stop its refit, nor the refits of others.
/// </summary>
public static class SafeCalibration
{
    public const int MaxReasonLength = 300;

    public static (Calibration Calibration, string? DefaultReason) Fit(
        InstrumentDefinition instrument, IReadOnlyCollection<SessionObservation> ratings, int version, DetectorSettings settings, double? effect) =>
        Fit(instrument, () => Calibration.FromRatings(instrument, ratings, version, settings, effect), () => Counts(ratings), version, effect);

    /// <summary>The same for a series folded in patient by patient from a streamed read.</summary>
    public static (Calibration Calibration, string? DefaultReason) Fit(
        InstrumentDefinition instrument, ClinicSeries series, int version, DetectorSettings settings, double? effect) =>
        Fit(instrument, () => series.Calibrate(instrument, version, settings, effect), () => (series.EligiblePatients, series.Ratings), version, effect);

    private static (Calibration Calibration, string? DefaultReason) Fit(
        InstrumentDefinition instrument, Func<Calibration> calibrate, Func<(int Patients, int Ratings)> counts, int version, double? effect)
    {
        Calibration fitted;
        try
        {
            fitted = calibrate();
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException or ArithmeticException or ArgumentException)
        {
            return Fallback(instrument, counts(), version, effect, "the null model could not be fitted: " + e.Message);
        }

        if (fitted.IsDefault)
        {
            return (fitted, $"fewer than {Calibration.MinPatients} patients with {Calibration.MinRatedSessions} rated sessions");
        }

        if (!double.IsFinite(fitted.GrandMean) || !double.IsFinite(fitted.BetweenVariance) || !double.IsFinite(fitted.LowAllianceThreshold)
            || !double.IsFinite(fitted.WithinSd) || fitted.WithinSd <= 0)
        {
            return Fallback(instrument, counts(), version, effect, "the ratings do not vary within patients, so no rupture threshold can be derived");
        }

        return (fitted, null);
    }

    private static (int Patients, int Ratings) Counts(IReadOnlyCollection<SessionObservation> ratings)
    {
        var rated = ratings.Where(r => r.Alliance.HasValue).ToList();
        return (rated.GroupBy(r => r.PatientId, StringComparer.Ordinal).Count(g => g.Count() >= Calibration.MinRatedSessions), rated.Count);
    }

    private static (Calibration, string) Fallback(
        InstrumentDefinition instrument, (int Patients, int Ratings) counts, int version, double? effect, string reason)
    {
        var calibration = Calibration.Default(instrument) with
        {
            Version = version, Patients = counts.Patients, Ratings = counts.Ratings, SymptomEffectPerPoint = effect,
        };
        return (calibration, reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason);
    }
}
