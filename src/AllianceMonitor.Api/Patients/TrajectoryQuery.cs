using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Series;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Patients;

/// <summary>
/// The trajectory replays the detector with the clinic's current calibration and settings, so its baseline and band
/// are the ones the next session will be judged against; stored alerts keep the evidence they were raised with.
/// </summary>
public sealed class TrajectoryQuery(AllianceDbContext db, CalibrationStore calibrations)
{
    /// <returns>The patient's trajectory, or null when the clinic has no such patient.</returns>
    public async Task<TrajectoryResponse?> LoadAsync(Guid clinicId, string patientId, CancellationToken cancellationToken)
    {
        var patient = await db.Patients.AsNoTracking().AsSplitQuery()
            .Include(p => p.Therapist)
            .Include(p => p.Sessions).ThenInclude(s => s.Measurements.Where(m => m.SupersededAt == null))
            .SingleOrDefaultAsync(p => p.ClinicId == clinicId && p.ExternalId == patientId, cancellationToken);
        if (patient is null)
        {
            return null;
        }

        var dates = patient.Sessions.ToDictionary(s => s.Number, s => s.OccurredOn);
        var rows = patient.Sessions.SelectMany(s => s.Measurements.Select(m => new RatingRow(patient.Id, s.Number, m.Instrument, m.Rater, m.Timing, m.Total)));
        var settings = await calibrations.SettingsAsync(clinicId, cancellationToken);
        var alliance = new List<AllianceTrajectory>();
        var grouped = AllianceSeries.Group(rows.Where(r => AllianceSeries.Instruments.Contains(r.Instrument)));
        foreach (var ((_, instrument, rater), history) in grouped
                     .OrderBy(s => s.Key.Instrument).ThenBy(s => s.Key.Rater.StoredName(), StringComparer.Ordinal))
        {
            var calibration = await calibrations.CurrentAsync(clinicId, instrument, rater, cancellationToken);
            var run = RuptureDetector.Run(history, InstrumentCatalog.Find(instrument)!, calibration, settings);
            alliance.Add(new AllianceTrajectory(instrument, rater, calibration.Version, calibration.IsDefault, calibration.WithinSd, Thresholds.For(settings, calibration.ModelOrFallback()).OneSession,
                run.Sessions.Select(s => Point(s, dates.GetValueOrDefault(s.Session), calibration.WithinSd)).ToList()));
        }

        var symptoms = patient.Sessions
            .SelectMany(s => s.Measurements.Where(m => !InstrumentCatalog.Find(m.Instrument)!.MeasuresAlliance).Select(m => (s, m)))
            .GroupBy(x => (x.m.Instrument, x.m.Rater))
            .OrderBy(g => g.Key.Instrument).ThenBy(g => g.Key.Rater.StoredName(), StringComparer.Ordinal)
            .Select(g => new ScoreTrajectory(g.Key.Instrument, g.Key.Rater, g
                .GroupBy(x => x.s.Number).Select(x => x.MinBy(y => AllianceSeries.TimingRank(y.m.Instrument, y.m.Timing)))
                .OrderBy(x => x.s.Number)
                .Select(x => new ScorePoint(x.s.Number, x.s.OccurredOn, x.m.Total, x.m.Band)).ToList()))
            .ToList();

        var alerts = await db.Alerts.AsNoTracking()
            .Include(a => a.Patient).ThenInclude(p => p!.Therapist)
            .Where(a => a.PatientId == patient.Id && a.Status != AlertStatus.Withdrawn)
            .OrderBy(a => a.Session).ThenBy(a => a.Kind)
            .ToListAsync(cancellationToken);

        var agreement = await PatientAgreementQuery.ForPatientAsync(
            grouped.ToDictionary(g => (g.Key.Instrument, g.Key.Rater), g => g.Value), clinicId, calibrations, cancellationToken);
        return new TrajectoryResponse(
            patient.ExternalId, patient.Therapist?.ExternalId, alliance, symptoms, alerts.Select(AlertMapping.ToResponse).ToList(), agreement);
    }

    private static AlliancePoint Point(SessionJudgement s, DateOnly? occurredOn, double withinSd)
    {
        var deviation = s.Value - s.Baseline;
        return new AlliancePoint(s.Session, occurredOn, s.Value, s.Baseline, deviation, deviation / withinSd,
            s.Baseline - s.Threshold, s.Baseline + s.Threshold, s.InRupture);
    }
}
