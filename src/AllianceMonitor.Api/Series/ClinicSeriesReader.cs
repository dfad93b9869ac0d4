using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace AllianceMonitor.Api.Series;

/// <summary>One alliance series of a clinic: its instrument, rater and packed ratings.</summary>
public sealed record ClinicAllianceSeries(string Instrument, Rater Rater, ClinicSeries Ratings);

/// <summary>
/// Every alliance series of a clinic, and its most used client-rated symptom measure (the one the refit relates
/// alliance to), or null when it rates none.
/// </summary>
public sealed record ClinicRatings(IReadOnlyList<ClinicAllianceSeries> Series, string? SymptomInstrument);

/// <summary>
/// Reads a clinic's ratings in force for the refit in one query ordered by patient and folds each patient, as its rows
/// stream past, into the packed <see cref="ClinicSeries"/> accumulators (issue 15): the service holds one patient's rows
/// at a time, no row objects and no string per rating (instrument, rater and timing come as small codes). Runs on the
/// caller's connection and transaction, so the refit reads what its advisory lock and change mark were taken over.
/// </summary>
/// <remarks>
/// The rows come from <c>ix_measurements_patient_current</c> alone, which holds each rating in force with its patient,
/// session number and total in patient order: merged with the clinic's patients in the same order, they stream from the
/// first row, with no join of the sessions and no sort of two million rows before it (bench/README.md).
/// </remarks>
public static class ClinicSeriesReader
{
    private static readonly string[] SymptomCodes = InstrumentCatalog.Symptoms.Select(i => i.Code).ToArray();
    private static readonly string[] Instruments = [.. AllianceSeries.Instruments, .. SymptomCodes];
    private static readonly Rater[] Raters = Enum.GetValues<Rater>();
    private static readonly Timing[] Timings = Enum.GetValues<Timing>();

    // A rating's instrument, rater and timing come as one small code, (instrument x raters + rater) x timings + timing
    // with each a 0-based position in the arrays above, so no string is read per rating. Made by CASE over the names
    // (a string comparison per branch) rather than array_position over parameter arrays: three array_position calls per
    // row were about half of PostgreSQL's time for the read, and two more columns per row cost both sides (bench/README.md).
    private static readonly string Sql =
        $"""
        SELECT m.patient_id, m.session_number,
               ({Code("m.instrument", Instruments)} * {Raters.Length} + {Code("m.rater", Raters.Select(r => r.StoredName()))}) * {Timings.Length}
               + {Code("m.timing", Timings.Select(t => t.StoredName()))},
               m.total
        FROM patients p
        JOIN measurements m ON m.patient_id = p.id
        WHERE p.clinic_id = @clinic AND m.superseded_at IS NULL AND m.instrument = ANY(@instruments)
        ORDER BY p.id
        """;

    // AllianceSeries.TimingRank of every instrument and timing code, looked up once instead of a catalog search per row.
    private static readonly int[] Ranks = Instruments
        .SelectMany(instrument => Timings.Select(timing => AllianceSeries.TimingRank(instrument, timing))).ToArray();

    /// <summary>A CASE giving each of <paramref name="names"/> its 0-based position (the names are the code's own constants).</summary>
    private static string Code(string column, IEnumerable<string> names) =>
        $"CASE {column} {string.Concat(names.Select((name, i) => $"WHEN '{name.Replace("'", "''", StringComparison.Ordinal)}' THEN {i} "))}END";

    public static async Task<ClinicRatings> ReadAsync(AllianceDbContext db, Guid clinicId, CancellationToken cancellationToken)
    {
        var folder = new PatientFolder();
        Guid? patient = null;
        var id = string.Empty;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            if (transaction is not null)
            {
                // JIT compiling this one scan costs PostgreSQL more than it saves.
                await using var settings = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction);
                await settings.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var command = new NpgsqlCommand(Sql, connection, transaction);
            command.Parameters.AddWithValue("clinic", clinicId);
            command.Parameters.AddWithValue("instruments", Instruments);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var next = reader.GetGuid(0);
                if (next != patient)
                {
                    (patient, id) = (next, next.ToString());
                }

                var code = reader.GetInt32(2);
                var timing = code % Timings.Length;
                var instrument = code / Timings.Length / Raters.Length;
                folder.Add(id, reader.GetInt32(1), instrument, Raters[code / Timings.Length % Raters.Length], Ranks[(instrument * Timings.Length) + timing], reader.GetDouble(3));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return folder.Finish();
    }

    /// <param name="Instrument">Index into <see cref="Instruments"/>: the alliance instruments first, then the symptom measures.</param>
    /// <param name="Rank">0 for the instrument's usual timing, 1 otherwise (<see cref="AllianceSeries.TimingRank"/>).</param>
    private readonly record struct Row(int Session, int Instrument, Rater Rater, int Rank, double Total);

    /// <summary>Collects one patient's rows, then hands each of the patient's series to its accumulator.</summary>
    /// <remarks>
    /// Plain loops over the patient's few rows, not LINQ: a hundred thousand patients each paid for a sort comparer that
    /// looked the instrument up per comparison, a dictionary per symptom measure, a grouping and a distinct.
    /// </remarks>
    private sealed class PatientFolder
    {
        private static readonly int AllianceCount = AllianceSeries.Instruments.Length;

        private readonly List<Row> _rows = [];

        // One patient's working lists, reused for the next: a hundred thousand patients each allocated their own.
        private readonly List<int> _measures = [];
        private readonly string[] _measureNames = new string[Instruments.Length];
        private readonly List<(int Instrument, Rater Rater)> _done = [];
        private readonly List<int> _sessions = [];
        private readonly List<double> _totals = [];
        private readonly List<double> _columns = [];
        private readonly Dictionary<(int Instrument, Rater Rater), ClinicSeries> _series = [];

        // Client-rated symptom rows per measure, over the whole clinic: the most used one is related to alliance.
        private readonly int[] _symptomRows = new int[Instruments.Length];
        private string? _patient;

        /// <param name="rank">0 for the instrument's usual timing, 1 otherwise.</param>
        // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(string patient, int session, int instrument, Rater rater, int rank, double total)
        {
            if (!string.Equals(_patient, patient, StringComparison.Ordinal))
            {
                Flush();
                _patient = patient;
            }

            _rows.Add(new Row(session, instrument, rater, rank, total));
        }

        public ClinicRatings Finish()
        {
            Flush();
            var series = _series
                .Select(s => (Instrument: Instruments[s.Key.Instrument], s.Key.Rater, s.Value))
                .OrderBy(s => s.Instrument, StringComparer.Ordinal).ThenBy(s => s.Rater.StoredName(), StringComparer.Ordinal)
                .Select(s => new ClinicAllianceSeries(s.Instrument, s.Rater, s.Value)).ToList();

            // Ties go to the first measure by code, so the choice does not depend on the order rows are read in.
            var symptom = Enumerable.Range(AllianceCount, Instruments.Length - AllianceCount).Where(i => _symptomRows[i] > 0)
                .Select(i => (Code: Instruments[i], Rows: _symptomRows[i]))
                .OrderByDescending(s => s.Rows).ThenBy(s => s.Code, StringComparer.Ordinal).Select(s => s.Code).FirstOrDefault();
            return new ClinicRatings(series, symptom);
        }

        // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Flush()
        {
            if (_patient is not { } patient)
            {
                return;
            }

            // Per session the instrument's usual timing first, as in AllianceSeries.Group (insertion sort: a patient has few rows).
            var rows = CollectionsMarshal.AsSpan(_rows);
            for (var i = 1; i < rows.Length; i++)
            {
                var row = rows[i];
                var j = i - 1;
                for (; j >= 0 && (rows[j].Session > row.Session || (rows[j].Session == row.Session && rows[j].Rank > row.Rank)); j--)
                {
                    rows[j + 1] = rows[j];
                }

                rows[j + 1] = row;
            }

            // Client-rated symptom measures this patient has, each with its first (usual-timing) value per session.
            _measures.Clear();
            foreach (var row in rows)
            {
                if (row.Instrument >= AllianceCount && row.Rater == Rater.Client)
                {
                    _symptomRows[row.Instrument]++;
                    if (!_measures.Contains(row.Instrument))
                    {
                        _measureNames[_measures.Count] = Instruments[row.Instrument];
                        _measures.Add(row.Instrument);
                    }
                }
            }

            _done.Clear();
            foreach (var first in rows)
            {
                if (first.Instrument >= AllianceCount || _done.Contains((first.Instrument, first.Rater)))
                {
                    continue;
                }

                var key = (first.Instrument, first.Rater);
                _done.Add(key);
                _sessions.Clear();
                _totals.Clear();
                foreach (var row in rows)
                {
                    // The first row of a session is its usual timing; a later one of the same session is the other timing.
                    if (row.Instrument == key.Instrument && row.Rater == key.Rater && (_sessions.Count == 0 || _sessions[^1] != row.Session))
                    {
                        _sessions.Add(row.Session);
                        _totals.Add(row.Total);
                    }
                }

                _columns.Clear();
                foreach (var measure in _measures)
                {
                    AppendSymptomColumn(rows, measure, _sessions, _columns);
                }

                if (!_series.TryGetValue(key, out var series))
                {
                    series = new ClinicSeries();
                    _series[key] = series;
                }

                series.AddPatient(
                    patient, CollectionsMarshal.AsSpan(_sessions), CollectionsMarshal.AsSpan(_totals),
                    _measureNames.AsSpan(0, _measures.Count), CollectionsMarshal.AsSpan(_columns));
            }

            _rows.Clear();
        }

        /// <summary>Appends the measure's client rating at each of the sessions (the first, usual-timing one), NaN where there is none.</summary>
        // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void AppendSymptomColumn(ReadOnlySpan<Row> rows, int measure, List<int> sessions, List<double> columns)
        {
            foreach (var session in sessions)
            {
                var value = double.NaN;
                foreach (var row in rows)
                {
                    if (row.Session == session && row.Instrument == measure && row.Rater == Rater.Client)
                    {
                        value = row.Total;
                        break;
                    }
                }

                columns.Add(value);
            }
        }
    }
}
