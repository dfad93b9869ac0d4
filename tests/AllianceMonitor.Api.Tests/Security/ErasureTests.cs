using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Development;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Webhooks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>GDPR Art. 17: after DELETE /patients/{id}, nothing outside the audit log names the patient.</summary>
public sealed class ErasureTests(SlowRetryApiFactory factory) : IClassFixture<SlowRetryApiFactory>
{
    [Fact]
    public async Task After_erasure_a_data_only_dump_names_the_patient_only_in_the_audit_log()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, "https://receiver.example.org/erasure", WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated);
        const string ExternalId = "erase-me-7f3a";
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), ExternalId, 54, 54, 30);
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "kept-b21c", 54, 54, 30);
        Guid internalId;
        await using (var db = factory.NewDbContext())
        {
            internalId = await db.Patients.Where(p => p.ExternalId == ExternalId).Select(p => p.Id).SingleAsync();

            // Where the patient's series' detection stood is theirs too (issue 15): it must go with them.
            Assert.True(await db.SeriesDetectorStates.AnyAsync(s => s.PatientId == internalId), "the patient's series have stored detector states");
        }

        // The alert event has been fanned out: a delivery to the (unreachable) receiver is pending or being retried.
        await WaitUntilAsync(async () => (await DeliveriesAsync(admin, webhook.Id)).Items.Count >= 2, "both alerts have deliveries");
        Assert.Contains(ExternalId, await DumpAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/patients/{ExternalId}")).StatusCode);

        var outsideAudit = WithoutAuditLog(await DumpAsync());
        Assert.DoesNotContain(ExternalId, outsideAudit, StringComparison.Ordinal);
        Assert.DoesNotContain(internalId.ToString(), outsideAudit, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("kept-b21c", outsideAudit, StringComparison.Ordinal);
        Assert.Single((await DeliveriesAsync(admin, webhook.Id)).Items);
        await using var after = factory.NewDbContext();
        Assert.False(await after.SeriesDetectorStates.AnyAsync(s => s.PatientId == internalId));
    }

    [Fact]
    public async Task A_clinic_without_webhooks_stores_no_events()
    {
        var tenant = await Tenant.CreateAsync(factory);

        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 54, 54, 30);

        await using var db = factory.NewDbContext();
        Assert.Single(await db.Alerts.Where(a => a.ClinicId == tenant.ClinicId).ToListAsync());
        Assert.Equal(0, await db.OutboxEvents.CountAsync(e => e.ClinicId == tenant.ClinicId));
    }

    [Fact]
    public async Task Finished_events_are_pruned_after_the_retention_and_pending_ones_are_kept()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, "https://receiver.example.org/retention");
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 54, 54, 30);
        // The first attempt is logged (and fails: the receiver does not resolve); the next is an hour away (see
        // SlowRetryApiFactory), so from here on only this test writes the delivery.
        await WaitUntilAsync(
            async () => (await DeliveriesAsync(admin, webhook.Id)).Items is [{ Attempts: 1, Status: "pending" }], "the alert's delivery was attempted once");
        var retention = new WebhookOptions().Retention;
        await using var db = factory.NewDbContext();

        // Still being retried: kept, however old.
        await WebhookRetention.PruneAsync(db, DateTimeOffset.UtcNow + retention + TimeSpan.FromDays(1), retention, CancellationToken.None);
        Assert.Equal(1, await db.OutboxEvents.CountAsync(e => e.ClinicId == tenant.ClinicId));

        // Finished (failed for good): kept within the retention, pruned after it, its delivery with it.
        await db.WebhookDeliveries.Where(d => d.SubscriptionId == webhook.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(d => d.Status, DeliveryStatus.Failed)
                .SetProperty(d => d.NextAttemptAt, (DateTimeOffset?)null));
        await WebhookRetention.PruneAsync(db, DateTimeOffset.UtcNow, retention, CancellationToken.None);
        Assert.Equal(1, await db.OutboxEvents.CountAsync(e => e.ClinicId == tenant.ClinicId));
        await WebhookRetention.PruneAsync(db, DateTimeOffset.UtcNow + retention + TimeSpan.FromMinutes(1), retention, CancellationToken.None);
        Assert.Equal(0, await db.OutboxEvents.CountAsync(e => e.ClinicId == tenant.ClinicId));
        Assert.Equal(0, await db.WebhookDeliveries.CountAsync(d => d.SubscriptionId == webhook.Id));
    }

    [Fact]
    public async Task Writes_racing_the_erasure_of_their_patient_answer_as_before_or_after_it_never_500()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var admin = factory.Client(tenant.ClinicAdmin);
        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < 60; round++)
        {
            var put = ingest.PutAsJsonAsync("/api/v1/patients/p-race", new { therapistId = "t-1" });
            var erase = admin.DeleteAsync("/api/v1/patients/p-race");
            statuses.AddRange((await Task.WhenAll(put, erase)).Select(r => r.StatusCode));
        }

        Assert.All(statuses, status => Assert.True((int)status < 500, $"answered {(int)status}"));
    }

    /// <summary>The database as <c>pg_dump --data-only</c> writes it.</summary>
    private async Task<string> DumpAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(factory.ConnectionString);
        var start = new ProcessStartInfo(Path.Combine(PostgresBinaries.Find()!, "pg_dump"),
            ["--data-only", "-h", connection.Host!, "-p", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", connection.Username!, connection.Database!])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(start)!;
        var dump = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return dump;
    }

    /// <summary>The dump without the audit log's COPY block, the one place the pseudonymous id is meant to stay.</summary>
    private static string WithoutAuditLog(string dump)
    {
        var start = dump.IndexOf("COPY public.audit_log ", StringComparison.Ordinal);
        Assert.True(start >= 0, "the dump has no audit_log block");
        var end = dump.IndexOf("\n\\.\n", start, StringComparison.Ordinal);
        return dump[..start] + dump[(end + 4)..];
    }
}
