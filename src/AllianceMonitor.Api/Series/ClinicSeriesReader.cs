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
/// Reads a clinic's ratings in force for the refit, one <see cref="Data.PatientRatingPack"/> per patient in patient
/// order, and folds each patient into the packed <see cref="ClinicSeries"/> accumulators (issue 15): the service holds
/// one patient's rows at a time, no row objects and no string per rating. Runs on the caller's connection and
/// transaction, so the refit reads what its advisory lock and change mark were taken over.
/// </summary>
/// <remarks>
/// One row per patient, not per rating: PostgreSQL spent about a microsecond sending each of a 1M-session clinic's two
/// million rating rows, and as long aggregating them per patient at read time, while the packs the write path keeps
/// come out at about the speed of a copy (bench/README.md).
/// </remarks>
public static class ClinicSeriesReader
{
    private static readonly string[] SymptomCodes = InstrumentCatalog.Symptoms.Select(i => i.Code).ToArray();
    private static readonly string[] Instruments = [.. AllianceSeries.Instruments, .. SymptomCodes];
    private static readonly Timing[] Timings = Enum.GetValues<Timing>();

    private const string Sql =
        """
        SELECT k.patient_id, k.ratings
        FROM patients p
        JOIN patient_rating_packs k ON k.patient_id = p.id
        WHERE p.clinic_id = @clinic
        ORDER BY p.id
        """;

    // AllianceSeries.TimingRank of every instrument and timing, looked up once instead of a catalog search per rating.
    private static readonly int[] Ranks = Instruments
        .SelectMany(instrument => Timings.Select(timing => AllianceSeries.TimingRank(instrument, timing))).ToArray();

    public static async Task<ClinicRatings> ReadAsync(AllianceDbContext db, Guid clinicId, CancellationToken cancellationToken)
    {
        var folder = new PatientFolder();
        var keys = new PackKeys();
        var pack = new byte[4096];
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            if (transaction is not null)
            {
                // Compiling this one scan costs PostgreSQL more than it saves.
                await using var settings = new NpgsqlCommand("SET LOCAL jit = off", connection, transaction);
                await settings.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var command = new NpgsqlCommand(Sql, connection, transaction);
            command.Parameters.AddWithValue("clinic", clinicId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var length = (int)reader.GetBytes(1, 0, null, 0, 0);
                if (length > pack.Length)
                {
                    pack = new byte[Math.Max(length, 2 * pack.Length)];
                }

                reader.GetBytes(1, 0, pack, 0, length);
                Fold(folder, keys, reader.GetGuid(0).ToString(), pack.AsSpan(0, length));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return folder.Finish();
    }

    // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fold(PatientFolder folder, PackKeys keys, string patient, ReadOnlySpan<byte> pack)
    {
        folder.Begin(patient);
        for (var entries = new RatingPack.Entries(pack); entries.MoveNext();)
        {
            var (instrument, rater, timing) = keys.Find(entries.Key);
            if (instrument >= 0)
            {
                folder.Add(entries.Session, instrument, rater, Ranks[(instrument * Timings.Length) + timing], entries.Total);
            }
        }
    }

    /// <summary>
    /// The instrument (an index into <see cref="Instruments"/>, -1 for one the refit does not read), rater and timing of
    /// each key met so far: a clinic uses a handful, so a short list compared byte for byte beats decoding every key.
    /// </summary>
    private sealed class PackKeys
    {
        private readonly List<(byte[] Key, int Instrument, Rater Rater, int Timing)> _known = [];

        // Called for every rating, like the fold: optimized at once rather than tier 0 for the first refits after a start.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public (int Instrument, Rater Rater, int Timing) Find(ReadOnlySpan<byte> key)
        {
            foreach (var known in _known)
            {
                if (key.SequenceEqual(known.Key))
                {
                    return (known.Instrument, known.Rater, known.Timing);
                }
            }

            var (code, rater, timing) = RatingPack.ParseKey(key);
            var found = (Instrument: Array.IndexOf(Instruments, code), Rater: rater, Timing: Array.IndexOf(Timings, timing));
            _known.Add((key.ToArray(), found.Instrument, found.Rater, found.Timing));
            return found;
        }
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

        /// <summary>Folds the previous patient's rows; the rows added next are <paramref name="patient"/>'s.</summary>
        public void Begin(string patient)
        {
            Flush();
            _patient = patient;
        }

        /// <param name="rank">0 for the instrument's usual timing, 1 otherwise.</param>
        // Hot in every refit from the first after a start: compiled optimized at once, not in tier 0 (issue 15, bench/README.md).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(int session, int instrument, Rater rater, int rank, double total) =>
            _rows.Add(new Row(session, instrument, rater, rank, total));

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
