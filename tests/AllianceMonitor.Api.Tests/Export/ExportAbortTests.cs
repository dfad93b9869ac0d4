using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Export;

public sealed class ExportAbortTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_client_that_goes_away_mid_stream_is_logged_as_aborted_with_the_rows_written()
    {
        const int patients = 3000, sessions = 10;
        var tenant = await Tenant.CreateAsync(factory);
        await SeedDirectlyAsync(tenant.ClinicId, patients, sessions);

        using var client = factory.Client(tenant.Researcher);
        using (var response = await client.GetAsync("/api/v1/export/sessions", HttpCompletionOption.ResponseHeadersRead))
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[4096];
            Assert.True(await body.ReadAsync(buffer) > 0);
        }

        await using var db = factory.NewDbContext();
        ExportRecord? record = null;
        for (var i = 0; i < 100 && record?.Status is null or ExportStatus.Started; i++)
        {
            await Task.Delay(100);
            record = await db.ExportLog.AsNoTracking().SingleAsync(e => e.ClinicId == tenant.ClinicId);
        }

        Assert.Equal(ExportStatus.Aborted, record!.Status);
        Assert.InRange(record.RowCount!.Value, 1, (patients * sessions) - 1);
        Assert.NotNull(record.CompletedAt);
    }

    /// <summary>Rows straight into the tables: the API would take minutes for 30,000 sessions.</summary>
    private async Task SeedDirectlyAsync(Guid clinicId, int patients, int sessions)
    {
        await using var connection = new NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO patients (id, clinic_id, external_id, therapist_id, created_at)
              SELECT gen_random_uuid(), @clinic, 'bulk-' || g, NULL, now() FROM generate_series(1, @patients) g;
            INSERT INTO sessions (id, patient_id, number, occurred_on, modality, therapist_id, created_at, updated_at)
              SELECT gen_random_uuid(), p.id, n, NULL, 'video', NULL, now(), now()
              FROM patients p CROSS JOIN generate_series(1, @sessions) n WHERE p.clinic_id = @clinic;
            INSERT INTO measurements (session_id, patient_id, session_number, instrument, rater, timing, revision, items, total, subscales, band, received_at)
              SELECT s.id, s.patient_id, s.number, 'wai-sr', 'client', 'post', 1, NULL, 4.5, '{"task": 4.5, "goal": 4.5, "bond": 4.5}'::jsonb, NULL, now()
              FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = @clinic;
            """, connection);
        command.Parameters.AddWithValue("clinic", clinicId);
        command.Parameters.AddWithValue("patients", patients);
        command.Parameters.AddWithValue("sessions", sessions);
        await command.ExecuteNonQueryAsync();
    }
}
