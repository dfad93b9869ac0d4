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
    public static async Task<List<(SessionObservation Observation, string? Modality)>> LoadRowsAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, CancellationToken cancellationToken)
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

    /// <summary>Changes whenever a session is added, corrected or erased: the key under which fitted reports are cached.</summary>
    public static async Task<string> DataVersionAsync(NpgsqlDataSource dataSource, Guid clinicId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*), max(s.updated_at) FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = @clinic", connection);
        command.Parameters.AddWithValue("clinic", clinicId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return $"{reader.GetInt64(0)}|{(reader.IsDBNull(1) ? "-" : reader.GetFieldValue<DateTimeOffset>(1).UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
    }
}
