using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using Npgsql;
using NpgsqlTypes;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// The summary's <c>agreement</c> block. The export query reads client ratings only; this adds the therapist's rating of
/// each exported session (so the summary's filters apply to both raters) and fits the agreement model, or says why not.
/// </summary>
public static class AgreementSummary
{
    /// <summary>The therapist's forms of an alliance measure, preferred first: one rule for the summary, the alert and the export.</summary>
    private static string[] TherapistInstruments(string alliance) => [.. TherapistForms.Of(alliance)];

    /// <param name="observations">The summary's client-rated observations (internal ids, as SummaryData loads them).</param>
    public static async Task<AgreementReport> BuildAsync(
        NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, IReadOnlyCollection<SessionObservation> observations, CancellationToken cancellationToken)
    {
        var therapist = await TherapistRatingsAsync(dataSource, clinicId, filter.Alliance, cancellationToken);
        var rated = observations
            .Select(o => therapist.TryGetValue((o.PatientId, o.Session), out var rating) ? o with { TherapistAlliance = rating } : o)
            .ToList();
        try
        {
            return AgreementReportBuilder.Build(rated, FitMethod.Reml);
        }
        catch (InvalidOperationException e)
        {
            return new AgreementReport(
                AgreementModel.DefaultMinPairs, AgreementDesign.SessionsWithBothRatings(rated), null, null, $"The agreement model could not be fitted: {e.Message}");
        }
    }

    /// <summary>The current therapist rating per patient and session number; the instrument's default timing first, as the export picks.</summary>
    private static async Task<Dictionary<(string Patient, int Session), double>> TherapistRatingsAsync(
        NpgsqlDataSource dataSource, Guid clinicId, string alliance, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"""
            SELECT DISTINCT ON (s.patient_id, s.number) s.patient_id, s.number, m.total
            FROM measurements m
            JOIN sessions s ON s.id = m.session_id
            JOIN patients p ON p.id = s.patient_id
            WHERE p.clinic_id = @clinic AND m.superseded_at IS NULL AND m.rater = '{Rater.Therapist.StoredName()}'
              AND m.instrument = ANY(@instruments) AND m.total IS NOT NULL
            ORDER BY s.patient_id, s.number, array_position(@instruments, m.instrument), (m.timing = @timing) DESC
            """,
            connection);
        command.Parameters.Add(new NpgsqlParameter("clinic", NpgsqlDbType.Uuid) { Value = clinicId });
        command.Parameters.Add(new NpgsqlParameter("instruments", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = TherapistInstruments(alliance) });
        var timing = InstrumentCatalog.Find(alliance)?.DefaultTiming ?? Timing.Post;
        command.Parameters.Add(new NpgsqlParameter("timing", NpgsqlDbType.Text) { Value = timing.StoredName() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ratings = new Dictionary<(string, int), double>();
        while (await reader.ReadAsync(cancellationToken))
        {
            // The same id text SummaryData gives the patient, so the ratings join the exported sessions.
            ratings[(reader.GetGuid(0).ToString("N"), reader.GetInt32(1))] = reader.GetDouble(2);
        }

        return ratings;
    }
}
