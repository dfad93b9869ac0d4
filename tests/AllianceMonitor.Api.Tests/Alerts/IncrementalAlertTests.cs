using System.Net.Http.Json;
using System.Text.Json;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>
/// Incremental detection on the live path (issue 15): a session PUT after a series' last session judges it from the
/// series' stored detector state; corrections, refits and settings changes replay. Either way the stored alerts are
/// those of a replay from scratch.
/// </summary>
public sealed class IncrementalAlertTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Puts_with_corrections_a_refit_and_a_settings_change_store_the_alerts_of_replaying_from_scratch()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var random = new Random(15);
        var (next, corrections) = (1, 0);
        for (var step = 0; step < 45; step++)
        {
            if (step == 15)
            {
                // A refit (too few patients: the defaults again, as a new version of every alliance series).
                (await admin.PostAsync("/api/v1/analysis/refit", null)).EnsureSuccessStatusCode();
            }

            if (step == 25)
            {
                await SeedFittedCalibrationAsync(tenant.ClinicId);
            }

            if (step == 35)
            {
                // Settings alone: the calibration versions stay, the states' fingerprints no longer match.
                (await admin.PutAsJsonAsync("/api/v1/clinics/current/settings", new { repairWindow = 4, lowAllianceCooldown = 2 })).EnsureSuccessStatusCode();
            }

            int number;
            if (next > 4 && random.Next(4) == 0)
            {
                number = random.Next(1, next);
                corrections++;
            }
            else
            {
                number = next;
                next += random.Next(6) == 0 ? 2 : 1;
            }

            var body = Body(random);
            await PutAsync(tenant, "incremental", number, body);

            // The reference never has a state to resume: every PUT of it replays every series from the start.
            await ForgetStatesAsync(tenant.ClinicId, "from-scratch");
            await PutAsync(tenant, "from-scratch", number, body);

            Assert.True(
                await AlertsAsync(tenant.ClinicId, "from-scratch") == await AlertsAsync(tenant.ClinicId, "incremental"),
                $"step {step} (session {number}):\n{await AlertsAsync(tenant.ClinicId, "from-scratch")}\n{await AlertsAsync(tenant.ClinicId, "incremental")}");
        }

        await using var db = factory.NewDbContext();
        var alerts = await db.Alerts.Where(a => a.ClinicId == tenant.ClinicId && a.Patient!.ExternalId == "incremental").ToListAsync();
        Assert.True(corrections >= 5, $"only {corrections} corrections");
        foreach (var kind in new[] { AlertKind.Rupture, AlertKind.LowAlliance, AlertKind.Deterioration, AlertKind.UnnoticedDrop })
        {
            Assert.Contains(alerts, a => a.Kind == kind);
        }

        Assert.Contains(alerts, a => a.Status == AlertStatus.Withdrawn);
        Assert.Contains(alerts, a => a.RuptureStatus is RuptureStatus.Repaired or RuptureStatus.Unrepaired);
        var states = await db.SeriesDetectorStates.Where(s => s.PatientId == alerts[0].PatientId).ToListAsync();
        Assert.Equal(["gad-7", "phq-9", "wai-sr", "wai-sr-t"], states.Select(s => s.Instrument).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_new_last_session_is_judged_from_the_stored_state_and_a_correction_replays_from_the_start()
    {
        var tenant = await Tenant.CreateAsync(factory);
        foreach (var patient in new[] { "tampered", "control" })
        {
            await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), patient, 52, 52, 52, 52);
        }

        // The stored state says the patient's level is 1.5 points higher than the ratings do: only a PUT that judges
        // from the state, not from the ratings, sees session 5 (50, about 4.2) as a drop.
        await using (var db = factory.NewDbContext())
        {
            var row = await db.SeriesDetectorStates.SingleAsync(s => s.Instrument == "wai-sr"
                && db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == tenant.ClinicId && p.ExternalId == "tampered"));
            var state = DetectorState.FromJson(row.State);
            row.State = (state with { Filter = state.Filter with { X = [state.Filter.X[0] + 1.5, state.Filter.X[1], state.Filter.X[2]] } }).ToJson();
            await db.SaveChangesAsync();
        }

        foreach (var patient in new[] { "tampered", "control" })
        {
            await PutAsync(tenant, patient, 5, Ratings.Session(50));
        }

        Assert.Contains("\"Kind\":\"rupture\"", await AlertsAsync(tenant.ClinicId, "tampered"), StringComparison.Ordinal);
        Assert.DoesNotContain("\"Kind\":\"rupture\"", await AlertsAsync(tenant.ClinicId, "control"), StringComparison.Ordinal);

        // A correction of session 5 replays from session 1: the tampered state plays no part and the rupture is withdrawn.
        await PutAsync(tenant, "tampered", 5, Ratings.Session(51));
        await using var check = factory.NewDbContext();
        var rupture = await check.Alerts.SingleAsync(a => a.ClinicId == tenant.ClinicId && a.Kind == AlertKind.Rupture);
        Assert.Equal(AlertStatus.Withdrawn, rupture.Status);
    }

    [Fact]
    public async Task The_read_batch_reads_only_the_sessions_after_a_resumable_state_and_the_whole_series_for_a_correction()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        for (var session = 1; session <= 5; session++)
        {
            await PutAsync(tenant, "p-1", session, Ratings.Session(50 + session, phq9Total: session));
        }

        var (later, laterStates) = await ReadAsync(tenant.ClinicId, 6);
        Assert.Empty(later);
        Assert.All(laterStates, s => Assert.Equal((5, 5), (s.LastSession, s.Sessions)));
        Assert.Equal(["phq-9", "wai-sr"], laterStates.Select(s => s.Instrument).Order(StringComparer.Ordinal));

        var (correction, _) = await ReadAsync(tenant.ClinicId, 3);
        Assert.Equal([1, 1, 2, 2, 4, 4, 5, 5], correction.Select(r => r.Session).Order());
    }

    private async Task<(List<AllianceMonitor.Api.Series.RatingRow> Rows, List<SeriesDetectorState> States)> ReadAsync(Guid clinicId, int session)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        SessionState? state = null;
        await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(
            async () => state = await SessionReadBatch.ReadAsync(
                db, scope.ServiceProvider.GetRequiredService<CalibrationStore>(), clinicId, "p-1", session, null, AlertSync.AlertedInstruments,
                DateTimeOffset.UtcNow, CancellationToken.None),
            _ => StatusCodes.Status400BadRequest, // rolls back
            CancellationToken.None);
        return (state!.OtherSessionRows, state.DetectorStates);
    }

    /// <summary>
    /// A session's forms: the client's WAI-SR (steady, dips, ceilings), often the therapist's WAI-SR-T, often a PHQ-9
    /// and sometimes a GAD-7 drifting in steps large enough to deteriorate reliably.
    /// </summary>
    private static object Body(Random random)
    {
        var client = random.Next(10) switch
        {
            0 => 30 + random.Next(8),
            1 => 60,
            2 => 40 + random.Next(5),
            _ => 50 + random.Next(7),
        };
        var measurements = new List<object> { new { instrument = "wai-sr", items = Ratings.WaiSr(client) } };
        if (random.Next(10) < 7)
        {
            measurements.Add(new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(random.Next(8) == 0 ? 32 : 45 + random.Next(4)) });
        }

        if (random.Next(2) == 0)
        {
            measurements.Add(new { instrument = "phq-9", items = Ratings.Phq9(random.Next(3, 25)) });
        }

        if (random.Next(4) == 0)
        {
            measurements.Add(new { instrument = "gad-7", items = Enumerable.Repeat(random.Next(4), 7).ToArray() });
        }

        return new { occurredOn = "2026-11-02", modality = "video", therapistId = "t-7", measurements };
    }

    private async Task PutAsync(Tenant tenant, string patient, int session, object body)
    {
        var response = await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/{session}", body);
        Assert.True(response.IsSuccessStatusCode, $"session {session}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task ForgetStatesAsync(Guid clinicId, string patient)
    {
        await using var db = factory.NewDbContext();
        await db.SeriesDetectorStates
            .Where(s => db.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == clinicId && p.ExternalId == patient))
            .ExecuteDeleteAsync();
    }

    /// <summary>The patient's stored alerts as JSON, everything but ids and times: what the two patients must share.</summary>
    private async Task<string> AlertsAsync(Guid clinicId, string patient)
    {
        await using var db = factory.NewDbContext();
        var alerts = await db.Alerts.AsNoTracking()
            .Where(a => a.ClinicId == clinicId && a.Patient!.ExternalId == patient)
            .ToListAsync();
        return JsonSerializer.Serialize(alerts
            .OrderBy(a => a.Instrument, StringComparer.Ordinal).ThenBy(a => a.Rater).ThenBy(a => a.Kind).ThenBy(a => a.Session)
            .Select(a => new { a.Instrument, a.Rater, a.Kind, a.Session, a.Status, a.RuptureStatus, a.StatusSession, a.Severity, a.Evidence }));
    }

    /// <summary>A refit as a clinic with enough data gets it: fitted values and a prediction model, one version up.</summary>
    private async Task SeedFittedCalibrationAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var latest = await db.Calibrations.Where(c => c.ClinicId == clinicId).ToListAsync();
        int Next(string instrument, Rater rater) => 1 + latest.Where(c => c.Instrument == instrument && c.Rater == rater).Select(c => c.Version).DefaultIfEmpty(0).Max();
        var model = new PredictionModel(PredictionModel.RobustMethod, 0.28, 0.25, 4.1, 0.4, 0.005, 0.02, 0.1, 1.1, 0.8);
        db.Calibrations.AddRange(
            new CalibrationRecord(new Calibration("wai-sr", Next("wai-sr", Rater.Client), false, 4.1, 0.2, 0.3, 4.6, 31, 400, -0.4, model))
            {
                ClinicId = clinicId, Rater = Rater.Client, Trigger = CalibrationTrigger.Manual, FittedAt = DateTimeOffset.UtcNow, SymptomInstrument = "phq-9",
            },
            new CalibrationRecord(new Calibration("wai-sr-t", Next("wai-sr-t", Rater.Therapist), false, 3.8, 0.15, 0.3, 3.2, 31, 400, null, model with { LevelMean = 3.8 }))
            {
                ClinicId = clinicId, Rater = Rater.Therapist, Trigger = CalibrationTrigger.Manual, FittedAt = DateTimeOffset.UtcNow,
            });
        await db.SaveChangesAsync();
    }
}
