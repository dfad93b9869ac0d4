using AllianceMonitor.Analysis.Data;
using Npgsql;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// The clinic's data as the statistics engine reads it, straight from the export query on the shared data source.
/// Used by the <c>/analysis</c> reports and by the dashboard's overview.
/// </summary>
public static class SummaryData
{
    /// <summary>The export's rows as the engine's observations, with internal ids (never leaving the service).</summary>
    public static async Task<List<SessionObservation>> LoadAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, CancellationToken cancellationToken) =>
        (await LoadRowsAsync(dataSource, clinicId, filter, cancellationToken)).Select(r => r.Observation).ToList();

    /// <summary>The same rows with each session's modality, for the per-modality effects.</summary>
    /// <param name="alsoRead">Told each row too (the summary's rater agreement reads the same rows instead of running the query again).</param>
    public static async Task<List<(SessionObservation Observation, string? Modality)>> LoadRowsAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, CancellationToken cancellationToken, Action<NpgsqlDataReader>? alsoRead = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = ExportSql.Command(connection, clinicId, filter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var observations = new List<(SessionObservation, string?)>();
        var ids = new Dictionary<Guid, string>();
        string Id(Guid id) => ids.TryGetValue(id, out var text) ? text : ids[id] = id.ToString("N");
        var alliance = ExportSql.AllianceOrdinal;
        var symptoms = ExportSql.AllianceOrdinal + 6;
        while (await reader.ReadAsync(cancellationToken))
        {
            alsoRead?.Invoke(reader);
            observations.Add((
                new SessionObservation(
                    Id(reader.GetGuid(ExportSql.PatientOrdinal)),
                    reader.IsDBNull(ExportSql.TherapistOrdinal) ? null : Id(reader.GetGuid(ExportSql.TherapistOrdinal)),
                    reader.GetInt32(ExportSql.SessionOrdinal),
                    reader.IsDBNull(alliance) ? null : reader.GetDouble(alliance),
                    reader.IsDBNull(symptoms) ? null : reader.GetDouble(symptoms)),
                reader.IsDBNull(ExportSql.ModalityOrdinal) ? null : reader.GetString(ExportSql.ModalityOrdinal)));
        }

        return observations;
    }

    /// <summary>
    /// Changes whenever a session is added, corrected or erased: the key under which fitted reports are cached. It is
    /// the clinic's change counter (<see cref="Data.ClinicChanges"/>), which the write path keeps, so a cached report
    /// costs a read of a few rows instead of a count over the clinic's sessions.
    /// </summary>
    public static async Task<string> DataVersionAsync(NpgsqlDataSource dataSource, Guid clinicId, CancellationToken cancellationToken) =>
        (await Data.ClinicChanges.CountAsync(dataSource, clinicId, cancellationToken)).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
