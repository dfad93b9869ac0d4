using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using AllianceMonitor.Api.Series;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Calibrations;

/// <summary>A clinic's detector settings and its versioned calibrations: the current one for the live path, a new one per refit.</summary>
/// <param name="logger">
/// Where a refit's timings and the symptom model's fit summary go (Information): none of it is in the stored calibration
/// or the response, and the clinic-scale bench reads it from the log. Null where a test builds the store by hand.
/// </param>
public sealed partial class CalibrationStore(AllianceDbContext db, TimeProvider clock, ILogger<CalibrationStore>? logger = null)
{
    // One read per clinic per request (the store is scoped): the live path asks for every series of a patient.
    private readonly Dictionary<Guid, ClinicCalibrations> _loaded = [];

    /// <summary>The clinic's detector settings and the latest calibration of every series, read once per request.</summary>
    public async Task<ClinicCalibrations> ForClinicAsync(Guid clinicId, CancellationToken cancellationToken)
    {
        if (!_loaded.TryGetValue(clinicId, out var clinic))
        {
            var settings = await db.ClinicSettings.AsNoTracking().Where(s => s.ClinicId == clinicId).Select(s => s.Detector)
                .SingleOrDefaultAsync(cancellationToken) ?? DetectorSettings.Default;
            clinic = new ClinicCalibrations(settings, await LatestAsync(clinicId, cancellationToken));
            _loaded[clinicId] = clinic;
        }

        return clinic;
    }

    /// <summary>What this request has already read of the clinic, or null: the session PUT's read batch then reads it too.</summary>
    internal ClinicCalibrations? Loaded(Guid clinicId) => _loaded.GetValueOrDefault(clinicId);

    /// <summary>Keeps what the session PUT's read batch read, as <see cref="ForClinicAsync"/> would have.</summary>
    internal void Remember(Guid clinicId, ClinicCalibrations clinic) => _loaded[clinicId] = clinic;

    public async Task<DetectorSettings> SettingsAsync(Guid clinicId, CancellationToken cancellationToken) =>
        (await ForClinicAsync(clinicId, cancellationToken)).Settings;

    /// <summary>The latest calibration of one series, or the instrument's documented defaults (version 0) before the first fit.</summary>
    public async Task<Calibration> CurrentAsync(Guid clinicId, string instrument, Rater rater, CancellationToken cancellationToken) =>
        (await ForClinicAsync(clinicId, cancellationToken)).Current(instrument, rater);

    /// <summary>The latest version of every series the clinic has calibrated.</summary>
    public async Task<List<CalibrationRecord>> LatestAsync(Guid clinicId, CancellationToken cancellationToken) =>
        (await db.Calibrations.AsNoTracking().Where(c => c.ClinicId == clinicId).ToListAsync(cancellationToken))
            .GroupBy(c => (c.Instrument, c.Rater))
            .Select(g => g.MaxBy(c => c.Version)!)
            .OrderBy(c => c.Instrument).ThenBy(c => c.Rater.StoredName(), StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Fits a new version for every alliance series with ratings: the null model for the detector's thresholds
    /// and, where the clinic rates symptoms too, the within-patient effect of alliance on next-session symptoms.
    /// The caller's unit of work saves and commits the rows.
    /// </summary>
    public async Task<List<CalibrationRecord>> RefitAsync(Guid clinicId, CalibrationTrigger trigger, CancellationToken cancellationToken)
    {
        using var span = Telemetry.Source.StartActivity(Telemetry.CalibrationRefit);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var (records, ratings) = await FitAllSeriesAsync(clinicId, trigger, cancellationToken);
            ChurnedMemory.ReturnAfter(ratings);
            return records;
        }
        finally
        {
            Telemetry.RefitDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("trigger", trigger.StoredName()));
        }
    }

    private async Task<(List<CalibrationRecord> Records, int Ratings)> FitAllSeriesAsync(Guid clinicId, CalibrationTrigger trigger, CancellationToken cancellationToken)
    {
        // Refits of one clinic queue behind each other (the automatic one and POST /analysis/refit alike), so each
        // reads the version the previous one committed instead of both writing the same next version. The automatic
        // refit already holds this lock; PostgreSQL's advisory locks are re-entrant within a session.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({clinicId.ToString()}))", cancellationToken);
        await ClinicChanges.MarkRefitAsync(db, clinicId, cancellationToken);
        var settings = await SettingsAsync(clinicId, cancellationToken);
        var readStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var clinic = await ClinicSeriesReader.ReadAsync(db, clinicId, cancellationToken);
        var readTime = System.Diagnostics.Stopwatch.GetElapsedTime(readStarted);
        var previous = await LatestAsync(clinicId, cancellationToken);
        var now = Timestamps.Now(clock);

        var records = new List<CalibrationRecord>();
        foreach (var series in clinic.Series)
        {
            var instrument = InstrumentCatalog.Find(series.Instrument)!;
            var version = 1 + (previous.FirstOrDefault(c => c.Instrument == instrument.Code && c.Rater == series.Rater)?.Version ?? 0);
            // The symptom model's REML fit and the alliance series' calibration read the same packed ratings and nothing
            // else of each other: the fit runs beside the calibration (each takes both cores in its parallel parts, and
            // fills the other's serial ones), and its slope is put into the calibration after.
            var fitStarted = System.Diagnostics.Stopwatch.GetTimestamp();
            var symptomFit = Task.Run(() => Timed(() => SymptomEffect(series.Ratings, clinic.SymptomInstrument, cancellationToken)), cancellationToken);
            var ((calibration, defaultReason), calibrationTime) = Timed(() => SafeCalibration.Fit(instrument, series.Ratings, version, settings, effect: null));
            var ((effect, summary), symptomTime) = await symptomFit;
            var fitTime = System.Diagnostics.Stopwatch.GetElapsedTime(fitStarted);
            if (logger is { } log && log.IsEnabled(LogLevel.Information))
            {
                var rater = series.Rater.StoredName();
                var (stop, startTheta, finalTheta) = (summary?.StopReason.ToString(), Thetas(summary?.StartTheta), Thetas(summary?.FinalTheta));
                LogSeriesRefitted(
                    log, clinicId, instrument.Code, rater, series.Ratings.Ratings, readTime.TotalMilliseconds, calibrationTime.TotalMilliseconds,
                    symptomTime.TotalMilliseconds, fitTime.TotalMilliseconds, summary?.Evaluations, stop, startTheta, finalTheta);
            }

            calibration = calibration with { SymptomEffectPerPoint = effect };
            records.Add(new CalibrationRecord(calibration)
            {
                ClinicId = clinicId,
                Rater = series.Rater,
                DefaultReason = defaultReason,
                SymptomInstrument = effect is null ? null : clinic.SymptomInstrument,
                Trigger = trigger,
                FittedAt = now,
            });
        }

        db.Calibrations.AddRange(records);
        _loaded.Remove(clinicId);
        return (records, clinic.Series.Sum(s => s.Ratings.Ratings));
    }

    /// <summary>
    /// The alliance_to_symptoms within-patient slope, when the data support a fit; otherwise null (alerts then omit it).
    /// With it the optimizer's account of the fit (for the log), null when no fit ran to the end.
    /// </summary>
    private static (double? Effect, FitSummary? Summary) SymptomEffect(ClinicSeries series, string? symptomInstrument, CancellationToken cancellationToken)
    {
        if (!series.HasSymptoms(symptomInstrument))
        {
            return (null, null);
        }

        try
        {
            var model = ModelCatalog.AllianceToSymptoms;
            var fit = MixedModelFitter.Fit(series.LaggedSymptomDesign(symptomInstrument!, model), FitMethod.Reml, cancellationToken: cancellationToken);
            return (fit.Converged ? fit.Fixed(model.PredictorWithin).Estimate : null, fit.Optimization);
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException or ArithmeticException)
        {
            // Symptoms at the floor or ceiling leave nothing to estimate; alerts then omit the effect.
            return (null, null);
        }
    }

    private static (T Result, TimeSpan Elapsed) Timed<T>(Func<T> work)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = work();
        return (result, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    private static string? Thetas(IReadOnlyList<double>? theta) =>
        theta is null ? null : string.Join(' ', theta.Select(t => t.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)));

    // Model-level figures only: no rating, score or patient is named.
    [LoggerMessage(Level = LogLevel.Information, Message = "Refit of clinic {ClinicId}, series {Instrument} {Rater}: {Ratings} ratings read in {ReadMs:F0} ms "
        + "(the whole clinic); calibration {CalibrationMs:F0} ms beside the symptom model {SymptomMs:F0} ms, {FitMs:F0} ms together; symptom model "
        + "{Evaluations} evaluations, stop {StopReason}, theta {StartTheta} -> {FinalTheta}")]
    private static partial void LogSeriesRefitted(
        ILogger logger, Guid clinicId, string instrument, string rater, int ratings, double readMs, double calibrationMs, double symptomMs,
        double fitMs, int? evaluations, string? stopReason, string? startTheta, string? finalTheta);
}
