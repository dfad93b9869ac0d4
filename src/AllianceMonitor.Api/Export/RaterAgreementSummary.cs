using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Ruptures;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// The summary's <c>rater_agreement</c> block (<see cref="RaterAgreementReport"/>): client-therapist agreement on the chosen alliance measure over the export's
/// rows (same filters), per therapist shrunk towards the clinic (<see cref="TherapistAgreement"/>). Therapists appear
/// under pseudonyms keyed afresh for each fitted report, as in an export without <c>linkable</c>: they tell therapists
/// apart within one report and join nothing else. Listed in pseudonym order, never ranked.
/// </summary>
public static class RaterAgreementSummary
{
    public static async Task<RaterAgreementReport> LoadAsync(NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var withinSd = await WithinSdAsync(connection, clinicId, filter.Alliance, cancellationToken);
        var client = new Dictionary<Guid, List<RatedSession>>();
        var therapist = new Dictionary<Guid, List<RatedSession>>();
        var therapistOf = new Dictionary<Guid, Guid?>();
        await using (var command = ExportSql.Command(connection, clinicId, filter))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var patient = reader.GetGuid(ExportSql.PatientOrdinal);
                var session = reader.GetInt32(ExportSql.SessionOrdinal);
                // A patient's sessions can name different therapists: the patient counts for the therapist of their last session.
                therapistOf[patient] = reader.IsDBNull(ExportSql.TherapistOrdinal) ? null : reader.GetGuid(ExportSql.TherapistOrdinal);
                Add(client, patient, session, reader, ExportSql.AllianceOrdinal);
                Add(therapist, patient, session, reader, ExportSql.AllianceTherapistOrdinal);
            }
        }

        var pseudonyms = new Pseudonyms(Pseudonyms.NewKey());
        var patients = therapistOf.Where(p => p.Value is not null)
            .Select(p => (pseudonyms.Of('t', p.Value!.Value), PatientAgreementCalculator.Compute(
                Discrepancy.Pair(client.GetValueOrDefault(p.Key) ?? [], therapist.GetValueOrDefault(p.Key) ?? []), withinSd)))
            .ToList();
        return new RaterAgreementReport(filter.Alliance, withinSd, PatientAgreementCalculator.MinPairsForCorrelation, TherapistAgreement.Estimate(patients, withinSd));
    }

    private static void Add(Dictionary<Guid, List<RatedSession>> series, Guid patient, int session, NpgsqlDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return;
        }

        if (!series.TryGetValue(patient, out var list))
        {
            series[patient] = list = [];
        }

        list.Add(new RatedSession(session, reader.GetDouble(ordinal)));
    }

    private static async Task<double> WithinSdAsync(NpgsqlConnection connection, Guid clinicId, string alliance, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {ExportSql.WithinSdExpression}", connection);
        command.Parameters.Add(new NpgsqlParameter("clinic", NpgsqlDbType.Uuid) { Value = clinicId });
        command.Parameters.Add(new NpgsqlParameter("alliance", NpgsqlDbType.Text) { Value = alliance });
        return await command.ExecuteScalarAsync(cancellationToken) is double sd ? sd : 0;
    }
}
