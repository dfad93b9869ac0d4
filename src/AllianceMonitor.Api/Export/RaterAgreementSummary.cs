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
    /// <summary>The report from the series read alongside the summary's own read of the export's rows.</summary>
    public static async Task<RaterAgreementReport> ReportAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, Series series, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(series);
        double withinSd;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            withinSd = await WithinSdAsync(connection, clinicId, filter.Alliance, cancellationToken);
        }

        var pseudonyms = new Pseudonyms(Pseudonyms.NewKey());
        var patients = series.TherapistOf.Where(p => p.Value is not null)
            .Select(p => (pseudonyms.Of('t', p.Value!.Value), PatientAgreementCalculator.Compute(
                Discrepancy.Pair(series.Client.GetValueOrDefault(p.Key) ?? [], series.Therapist.GetValueOrDefault(p.Key) ?? []), withinSd)))
            .ToList();
        return new RaterAgreementReport(filter.Alliance, withinSd, PatientAgreementCalculator.MinPairsForCorrelation, TherapistAgreement.Estimate(patients, withinSd));
    }

    /// <summary>Each patient's client and therapist ratings and therapist, gathered row by row from the export query.</summary>
    public sealed class Series
    {
        internal Dictionary<Guid, List<RatedSession>> Client { get; } = [];

        internal Dictionary<Guid, List<RatedSession>> Therapist { get; } = [];

        internal Dictionary<Guid, Guid?> TherapistOf { get; } = [];

        /// <summary>Takes the reader's current row of <see cref="ExportSql.Command"/>.</summary>
        public void Read(NpgsqlDataReader reader)
        {
            ArgumentNullException.ThrowIfNull(reader);
            var patient = reader.GetGuid(ExportSql.PatientOrdinal);
            var session = reader.GetInt32(ExportSql.SessionOrdinal);
            // A patient's sessions can name different therapists: the patient counts for the therapist of their last session.
            TherapistOf[patient] = reader.IsDBNull(ExportSql.TherapistOrdinal) ? null : reader.GetGuid(ExportSql.TherapistOrdinal);
            Add(Client, patient, session, reader, ExportSql.AllianceOrdinal);
            Add(Therapist, patient, session, reader, ExportSql.AllianceTherapistOrdinal);
        }
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
