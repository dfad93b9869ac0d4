using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>One patient's first and latest client score on one measure (read back by the naming convention's snake_case).</summary>
public sealed record FirstAndLatest(string Instrument, double First, double Latest);

/// <summary>How a clinic's patients stand on one measure: each patient with at least two ratings counts once, in one status.</summary>
public sealed record ChangeShareRow(string Instrument, string Label, int Patients, int Recovered, int ReliablyImproved, int NoReliableChange, int ReliablyDeteriorated)
{
    public double Share(int count) => Patients == 0 ? 0 : (double)count / Patients;
}

/// <summary>
/// The overview's shares of patients recovered, reliably improved and reliably deteriorated per measure. The database
/// reduces each patient's series to its first and latest score; the engine's classifier judges them, so the page and
/// the alerts use one rule.
/// </summary>
public static class ChangeSharesQuery
{
    private static readonly string[] Codes = InstrumentCatalog.WithReliableChange.Select(i => i.Code).ToArray();

    // Where a session has the form at both timings, the measure's usual one counts, as in the alert series.
    private static readonly string UsualTiming =
        string.Join(" ", InstrumentCatalog.WithReliableChange.Select(i => $"WHEN '{i.Code}' THEN '{i.DefaultTiming.StoredName()}'"));

    // Built once from the catalog's codes and timings, never from input: the clinic and the codes are parameters.
    private static readonly string Sql =
        $"""
        WITH scored AS (
            SELECT DISTINCT ON (s.patient_id, m.instrument, s.number) s.patient_id, m.instrument, s.number, m.total
            FROM measurements m
            JOIN sessions s ON s.id = m.session_id
            JOIN patients p ON p.id = s.patient_id
            WHERE p.clinic_id = @clinic AND m.superseded_at IS NULL AND m.rater = '{Rater.Client.StoredName()}' AND m.instrument = ANY(@codes)
            ORDER BY s.patient_id, m.instrument, s.number, (m.timing = CASE m.instrument {UsualTiming} END) DESC
        )
        SELECT instrument, (array_agg(total ORDER BY number))[1] AS first, (array_agg(total ORDER BY number DESC))[1] AS latest
        FROM scored GROUP BY patient_id, instrument HAVING count(*) >= 2
        """;

    internal static async Task<IReadOnlyList<ChangeShareRow>> LoadAsync(AllianceDbContext db, Guid clinicId, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQueryRaw<FirstAndLatest>(
            Sql,
            new NpgsqlParameter("clinic", clinicId), new NpgsqlParameter("codes", Codes)).ToListAsync(cancellationToken);

        return InstrumentCatalog.WithReliableChange
            .Select(i => Count(i, rows.Where(r => r.Instrument == i.Code)
                .Select(r => ReliableChangeClassifier.Classify(i, new RatedSession(1, r.First), new RatedSession(2, r.Latest))!.Status).ToList()))
            .Where(r => r.Patients > 0)
            .ToList();
    }

    private static ChangeShareRow Count(InstrumentDefinition instrument, List<ChangeStatus> statuses) => new(
        instrument.Code, instrument.Label, statuses.Count,
        statuses.Count(s => s == ChangeStatus.Recovered),
        statuses.Count(s => s == ChangeStatus.ReliablyImproved),
        statuses.Count(s => s == ChangeStatus.NoReliableChange),
        statuses.Count(s => s == ChangeStatus.ReliablyDeteriorated));
}
