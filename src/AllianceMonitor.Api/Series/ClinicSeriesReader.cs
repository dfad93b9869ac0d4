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
/// Reads a clinic's ratings in force for the refit in one streamed query ordered by patient, holding one patient's rows
/// at a time and folding each into the packed <see cref="ClinicSeries"/> accumulators: no row objects, no per-rating
/// patient-id strings, no grouping of the whole clinic in memory (issue 15). Runs on the caller's connection and
/// transaction, so the refit reads what its advisory lock and change mark were taken over.
/// </summary>
public static class ClinicSeriesReader
{
    private const string Sql =
        """
        SELECT s.patient_id, s.number, m.instrument, m.rater, m.timing, m.total
        FROM patients p
        JOIN sessions s ON s.patient_id = p.id
        JOIN measurements m ON m.session_id = s.id
        WHERE p.clinic_id = @clinic AND m.superseded_at IS NULL AND m.instrument = ANY(@instruments)
        ORDER BY s.patient_id
        """;

    private static readonly string[] SymptomCodes = InstrumentCatalog.Symptoms.Select(i => i.Code).ToArray();

    public static async Task<ClinicRatings> ReadAsync(AllianceDbContext db, Guid clinicId, CancellationToken cancellationToken)
    {
        var folder = new PatientFolder();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(),
            };
            command.Parameters.AddWithValue("clinic", clinicId);
            command.Parameters.AddWithValue("instruments", (string[])[.. AllianceSeries.Instruments, .. SymptomCodes]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                folder.Add(
                    reader.GetGuid(0),
                    new Row(reader.GetInt32(1), reader.GetString(2), StoredNames.Parse<Rater>(reader.GetString(3)),
                        StoredNames.Parse<Timing>(reader.GetString(4)), reader.GetDouble(5)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return folder.Finish();
    }

    private readonly record struct Row(int Session, string Instrument, Rater Rater, Timing Timing, double Total);

    /// <summary>Collects one patient's rows, then hands each of the patient's series to its accumulator.</summary>
    private sealed class PatientFolder
    {
        private readonly List<Row> _rows = [];
        private readonly Dictionary<(string Instrument, Rater Rater), ClinicSeries> _series = [];

        // Client-rated symptom rows per measure, over the whole clinic: the most used one is related to alliance.
        private readonly Dictionary<string, int> _symptomRows = new(StringComparer.Ordinal);
        private Guid? _patient;

        public void Add(Guid patient, Row row)
        {
            if (_patient != patient)
            {
                Flush();
                _patient = patient;
            }

            _rows.Add(row);
        }

        public ClinicRatings Finish()
        {
            Flush();
            var series = _series
                .OrderBy(s => s.Key.Instrument, StringComparer.Ordinal).ThenBy(s => s.Key.Rater.StoredName(), StringComparer.Ordinal)
                .Select(s => new ClinicAllianceSeries(s.Key.Instrument, s.Key.Rater, s.Value)).ToList();

            // Ties go to the first measure by code, so the choice does not depend on the order rows are read in.
            var symptom = _symptomRows.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key).FirstOrDefault();
            return new ClinicRatings(series, symptom);
        }

        private void Flush()
        {
            if (_patient is not { } patient)
            {
                return;
            }

            // Per session the instrument's usual timing counts, as in AllianceSeries.Group; session order within each series.
            _rows.Sort((a, b) => a.Session != b.Session
                ? a.Session.CompareTo(b.Session)
                : AllianceSeries.TimingRank(a.Instrument, a.Timing).CompareTo(AllianceSeries.TimingRank(b.Instrument, b.Timing)));
            var symptoms = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
            foreach (var row in _rows.Where(r => r.Rater == Rater.Client && SymptomCodes.Contains(r.Instrument)))
            {
                _symptomRows[row.Instrument] = _symptomRows.GetValueOrDefault(row.Instrument) + 1;
                var bySession = symptoms.TryGetValue(row.Instrument, out var found) ? found : symptoms[row.Instrument] = [];
                bySession.TryAdd(row.Session, row.Total);
            }

            var id = patient.ToString();
            foreach (var group in _rows.Where(r => AllianceSeries.Instruments.Contains(r.Instrument)).GroupBy(r => (r.Instrument, r.Rater)))
            {
                var rated = group.DistinctBy(r => r.Session).ToList();
                var sessions = rated.Select(r => r.Session).ToArray();
                var columns = symptoms.ToDictionary(
                    s => s.Key, s => sessions.Select(n => s.Value.TryGetValue(n, out var v) ? v : double.NaN).ToArray(), StringComparer.Ordinal);
                if (!_series.TryGetValue(group.Key, out var series))
                {
                    series = new ClinicSeries();
                    _series[group.Key] = series;
                }

                series.AddPatient(id, sessions, [.. rated.Select(r => r.Total)], columns);
            }

            _rows.Clear();
        }
    }
}
