using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Alerts;

/// <summary>One rating in force, with the session and patient it belongs to.</summary>
public sealed record RatingRow(Guid PatientId, int Session, string Instrument, Rater Rater, Timing Timing, double Total);

/// <summary>
/// The detector judges one series at a time: one patient's ratings on one alliance instrument by one rater. A
/// session with the form at both timings contributes the instrument's usual timing (alliance is rated after).
/// </summary>
public static class AllianceSeries
{
    public static readonly string[] Instruments = InstrumentCatalog.Alliance.Select(i => i.Code).ToArray();

    /// <summary>Ratings in force of the given instruments, for one patient or (with <paramref name="patientId"/> null) a whole clinic.</summary>
    public static Task<List<RatingRow>> LoadAsync(
        AllianceDbContext db, Guid clinicId, Guid? patientId, IReadOnlyCollection<string> instruments, CancellationToken cancellationToken) =>
        db.Measurements.AsNoTracking()
            .Where(m => m.SupersededAt == null && instruments.Contains(m.Instrument))
            .Join(db.Sessions, m => m.SessionId, s => s.Id, (m, s) => new { m, s })
            .Join(db.Patients, x => x.s.PatientId, p => p.Id, (x, p) => new { x.m, x.s, p })
            .Where(x => x.p.ClinicId == clinicId && (patientId == null || x.p.Id == patientId))
            .Select(x => new RatingRow(x.p.Id, x.s.Number, x.m.Instrument, x.m.Rater, x.m.Timing, x.m.Total))
            .ToListAsync(cancellationToken);

    /// <summary>Groups rows into series keyed by (patient, instrument, rater), each in session order with one value per session.</summary>
    public static Dictionary<(Guid Patient, string Instrument, Rater Rater), List<RatedSession>> Group(IEnumerable<RatingRow> rows) =>
        rows.GroupBy(r => (r.PatientId, r.Instrument, r.Rater))
            .ToDictionary(
                g => g.Key,
                g => g.GroupBy(r => r.Session)
                    .Select(s => s.MinBy(r => TimingRank(r.Instrument, r.Timing))!)
                    .OrderBy(r => r.Session)
                    .Select(r => new RatedSession(r.Session, r.Total))
                    .ToList());

    /// <summary>0 for the instrument's usual timing, 1 otherwise: where a session has both, the usual one counts.</summary>
    public static int TimingRank(string instrument, Timing timing) =>
        timing == InstrumentCatalog.Find(instrument)!.DefaultTiming ? 0 : 1;
}
