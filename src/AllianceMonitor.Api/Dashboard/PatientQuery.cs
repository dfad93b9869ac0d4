using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Patients;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>One row of the session table: the numbers the chart draws, for reading without the chart.</summary>
/// <param name="Alerts">The session's alerts in words, e.g. "rupture (open, repaired)".</param>
public sealed record SessionRow(
    int Number, DateOnly? Date, string? Modality, AlliancePoint? Alliance, double? Symptoms, string Alerts);

/// <param name="Alliance">The series shown: client WAI-SR if there is one, else the first; null without alliance ratings.</param>
/// <param name="SymptomInstrument">The symptom instrument on the chart's right axis, if any.</param>
/// <param name="ChartJson">The chart's data, read by patient-chart.js from the canvas's data-chart attribute.</param>
/// <param name="Change">Per symptom or well-being measure with a reliable-change value, the status against the first rating.</param>
/// <param name="Agreement">Client-therapist agreement on the charted measure in plain words; null without therapist ratings.</param>
public sealed record PatientModel(
    string PatientId, string? TherapistId, AllianceTrajectory? Alliance, string? SymptomInstrument, string Summary, string ChartJson, IReadOnlyList<SessionRow> Sessions,
    IReadOnlyList<ChangeStatusRow> Change, string? Agreement = null);

/// <summary>A patient's course for the patient view: the trajectory the API serves, joined with the session dates and modalities.</summary>
public static class PatientQuery
{
    private static readonly JsonSerializerOptions ChartJson = new(JsonSerializerDefaults.Web);

    /// <summary>The patient's course, or null when this clinic has no such patient.</summary>
    internal static async Task<PatientModel?> LoadAsync(string patientId, HttpContext http, AllianceDbContext db, CalibrationStore calibrations, Guid clinicId)
    {
        if (await new TrajectoryQuery(db, calibrations).LoadAsync(clinicId, patientId, http.RequestAborted) is not { } trajectory)
        {
            return null;
        }

        var sessions = await db.Patients.AsNoTracking()
            .Where(p => p.ClinicId == clinicId && p.ExternalId == patientId)
            .SelectMany(p => p.Sessions)
            .OrderBy(s => s.Number)
            .Select(s => new { s.Number, s.OccurredOn, s.Modality })
            .ToListAsync(http.RequestAborted);

        var alliance = trajectory.Alliance.OrderBy(a => a.Instrument == InstrumentCatalog.DefaultAlliance.Code ? 0 : 1).ThenBy(a => a.Rater == Rater.Client ? 0 : 1).FirstOrDefault();
        var symptoms = trajectory.Symptoms.OrderBy(s => s.Instrument == InstrumentCatalog.DefaultSymptoms.Code ? 0 : 1).ThenBy(s => s.Rater == Rater.Client ? 0 : 1).FirstOrDefault();
        var points = alliance?.Points.ToDictionary(p => p.Session) ?? [];
        var scores = symptoms?.Points.ToDictionary(p => p.Session) ?? [];
        var alertsBySession = trajectory.Alerts.ToLookup(a => a.Session);
        var numbers = sessions.Select(s => s.Number).Union(points.Keys).Union(scores.Keys).Order().ToList();
        var modality = sessions.ToDictionary(s => s.Number, s => s.Modality);
        var dates = sessions.ToDictionary(s => s.Number, s => s.OccurredOn);

        var ruptures = trajectory.Alerts.Where(a => a.Kind == AlertKind.Rupture && (alliance is null || (a.Instrument == alliance.Instrument && a.Rater == alliance.Rater))).ToList();
        var chart = new
        {
            instrument = alliance?.Instrument,
            rater = alliance?.Rater,
            symptomInstrument = symptoms?.Instrument,
            sessions = numbers,
            modality = numbers.Select(n => modality.GetValueOrDefault(n)).ToList(),
            value = numbers.Select(n => points.TryGetValue(n, out var p) ? p.Value : (double?)null).ToList(),
            baseline = numbers.Select(n => points.TryGetValue(n, out var p) ? p.Baseline : null).ToList(),
            bandLower = numbers.Select(n => points.TryGetValue(n, out var p) ? p.BandLower : null).ToList(),
            bandUpper = numbers.Select(n => points.TryGetValue(n, out var p) ? p.BandUpper : null).ToList(),
            symptoms = numbers.Select(n => scores.TryGetValue(n, out var p) ? p.Value : (double?)null).ToList(),
            ruptures = ruptures.Select(a => new { session = a.Session, status = a.RuptureStatus }).ToList(),
            repairs = ruptures.Where(a => a.RuptureStatus == RuptureStatus.Repaired && a.StatusSession is not null).Select(a => new { session = a.StatusSession }).ToList(),
            unrepaired = ruptures.Where(a => a.RuptureStatus == RuptureStatus.Unrepaired && a.StatusSession is not null).Select(a => new { session = a.StatusSession }).ToList(),
        };

        var summary = alliance is null
            ? "No alliance ratings yet."
            : $"{numbers.Count} sessions; {ruptures.Count} rupture(s): {ruptures.Count(r => r.RuptureStatus == RuptureStatus.Repaired)} repaired, {ruptures.Count(r => r.RuptureStatus == RuptureStatus.Unrepaired)} unrepaired, {ruptures.Count(r => r.RuptureStatus == RuptureStatus.Open)} open.";
        var rows = numbers.Select(n => new SessionRow(
            n,
            dates.GetValueOrDefault(n),
            modality.GetValueOrDefault(n),
            points.GetValueOrDefault(n),
            scores.TryGetValue(n, out var score) ? score.Value : null,
            string.Join("; ", alertsBySession[n].Select(a => $"{a.Kind.Label().ToLowerInvariant()} ({a.Status.StoredName()}{(a.RuptureStatus is { } r ? ", " + r.StoredName() : "")})"))))
            .ToList();
        return new PatientModel(trajectory.PatientId, trajectory.TherapistId, alliance, symptoms?.Instrument, summary, JsonSerializer.Serialize(chart, ChartJson), rows,
            Change(trajectory.Symptoms), AgreementText.Describe(trajectory.Agreement, alliance?.Instrument));
    }

    /// <summary>The client's own ratings only: the published reliable-change values are for the patient's form.</summary>
    private static List<ChangeStatusRow> Change(IReadOnlyList<ScoreTrajectory> outcomes) =>
        outcomes.Where(s => s.Rater == Rater.Client && s.Points.Count > 0)
            .Select(s => (Instrument: InstrumentCatalog.Find(s.Instrument)!, s.Points))
            .Where(s => s.Instrument.MeasuresOutcome && s.Instrument.ReliableChange is not null)
            .OrderBy(s => InstrumentCatalog.WithReliableChange.ToList().IndexOf(s.Instrument))
            .Select(s => ChangeStatusText.Describe(
                s.Instrument,
                ReliableChangeClassifier.Latest(s.Instrument, s.Points.Select(p => new RatedSession(p.Session, p.Value)).ToList()),
                s.Points[0].Session, s.Points[0].Value))
            .ToList();
}
