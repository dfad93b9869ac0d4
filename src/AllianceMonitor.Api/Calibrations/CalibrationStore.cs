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
public sealed class CalibrationStore(AllianceDbContext db, TimeProvider clock)
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
        var clinic = await ClinicSeriesReader.ReadAsync(db, clinicId, cancellationToken);
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
            var symptomFit = Task.Run(() => SymptomEffect(series.Ratings, clinic.SymptomInstrument), cancellationToken);
            var (calibration, defaultReason) = SafeCalibration.Fit(instrument, series.Ratings, version, settings, effect: null);
            var effect = await symptomFit;
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

    /// <summary>The alliance_to_symptoms within-patient slope, when the data support a fit; otherwise null (alerts then omit it).</summary>
    private static double? SymptomEffect(ClinicSeries series, string? symptomInstrument)
    {
        if (!series.HasSymptoms(symptomInstrument))
        {
            return null;
        }

        try
        {
            var model = ModelCatalog.AllianceToSymptoms;
            var fit = MixedModelFitter.Fit(series.LaggedSymptomDesign(symptomInstrument!, model), FitMethod.Reml);
            return fit.Converged ? fit.Fixed(model.PredictorWithin).Estimate : null;
        }
        catch (Exception e) when (e is InsufficientDataException or InvalidOperationException or ArithmeticException)
        {
            // Symptoms at the floor or ceiling leave nothing to estimate; alerts then omit the effect.
            return null;
        }
    }
}
