using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Tests.Webhooks;
using AllianceMonitor.Api.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Sessions;

/// <summary>
/// How many database commands a session PUT runs inside its unit of work (from BEGIN to COMMIT; the API-key lookup
/// before it is authentication's, and COMMIT is not a command). Counted by EF Core command interceptors, which see
/// the read batch too: it goes through EF's command pipeline. No savepoint may be taken either.
/// </summary>
public sealed class SessionRoundTripTests(SessionRoundTripTests.CountingFactory factory) : IClassFixture<SessionRoundTripTests.CountingFactory>
{
    public sealed class CountingFactory : ApiFactory
    {
        public CommandRecorder Recorder { get; } = new();
        public SavepointCounter Savepoints { get; } = new();

        protected override void ConfigureTestHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
            builder.ConfigureServices(services =>
            {
                services.AddHttpContextAccessor();
                services.ConfigureDbContext<AllianceDbContext>(options =>
                {
                    Recorder.AttachTo(options);
                    options.AddInterceptors(Savepoints);
                });
            });
        }
    }

    /// <summary>Savepoints EF would take around a SaveChanges inside the transaction, per request.</summary>
    public sealed class SavepointCounter : DbTransactionInterceptor
    {
        private readonly HttpContextAccessor _http = new();
        private readonly ConcurrentDictionary<string, int> _taken = new();

        public int For(string method, string path) => _taken.GetValueOrDefault($"{method} {path}");

        public override ValueTask<InterceptionResult> CreatingSavepointAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (_http.HttpContext?.Request is { } request)
            {
                _taken.AddOrUpdate($"{request.Method} {request.Path}", 1, (_, n) => n + 1);
            }

            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task A_new_session_of_a_known_patient_that_raises_a_pushed_alert_takes_at_most_three_commands()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        await CreateAsync(factory.Client(tenant.ClinicAdmin), receiver.Url("/alerts"), WebhookEvents.AlertCreated, WebhookEvents.AlertUpdated);
        var ingest = factory.Client(tenant.Ingest);
        await Ratings.PutSeriesAsync(ingest, "p-known", 54, 54);

        var (status, commands) = await PutAsync(ingest, "p-known", 3, Ratings.Session(30));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.True(commands.Count <= 3, Describe(commands));
        Assert.Equal(2, commands.Count); // the read batch, and the unit of work's one save
        var save = commands[^1];
        foreach (var table in new[] { "sessions", "measurements", "alerts", "webhook_outbox", "audit_log" })
        {
            Assert.True(save.Contains($"INSERT INTO {table}", StringComparison.Ordinal), Describe(commands));
        }

        Assert.Equal(0, factory.Savepoints.For("PUT", "/api/v1/patients/p-known/sessions/3"));
        await using var db = factory.NewDbContext();
        var alert = await db.Alerts.SingleAsync(a => a.ClinicId == tenant.ClinicId);
        Assert.Equal((3, AllianceMonitor.Analysis.Ruptures.AlertKind.Rupture), (alert.Session, alert.Kind));
        Assert.Equal(1, await db.OutboxEvents.CountAsync(e => e.ClinicId == tenant.ClinicId && e.Type == WebhookEvents.AlertCreated));
    }

    [Fact]
    public async Task The_other_cases_cost_what_the_writer_documents()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);

        // A new patient: the patient's insert is part of the read batch, so it costs what a known patient's does.
        var (created, newPatient) = await PutAsync(ingest, "p-other", 1, Ratings.Session(54, phq9Total: 9));
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal(2, newPatient.Count);

        // The identical PUT again: the read batch, and a save that writes the audit entry alone.
        var (replayed, replay) = await PutAsync(ingest, "p-other", 1, Ratings.Session(54, phq9Total: 9));
        Assert.Equal(HttpStatusCode.OK, replayed);
        Assert.Equal(2, replay.Count);
        Assert.StartsWith("INSERT INTO audit_log", replay[1].TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain("measurements", replay[1], StringComparison.Ordinal);

        // A correction: the read batch, the UPDATE that supersedes the old revision, then the save.
        var (corrected, correction) = await PutAsync(ingest, "p-other", 1, Ratings.Session(40, phq9Total: 9));
        Assert.Equal(HttpStatusCode.OK, corrected);
        Assert.Equal(3, correction.Count);
        Assert.StartsWith("UPDATE", correction[1].TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("INSERT INTO measurements", correction[2], StringComparison.Ordinal);
        Assert.Equal(0, factory.Savepoints.For("PUT", "/api/v1/patients/p-other/sessions/1"));

        await using var db = factory.NewDbContext();
        var revisions = await db.Measurements
            .Where(m => db.Sessions.Any(s => s.Id == m.SessionId && db.Patients.Any(p => p.Id == s.PatientId && p.ExternalId == "p-other" && p.ClinicId == tenant.ClinicId)))
            .Where(m => m.Instrument == "wai-sr").OrderBy(m => m.Revision).ToListAsync();
        Assert.Equal([(1, true), (2, false)], revisions.Select(m => (m.Revision, m.SupersededAt is not null)));
    }

    /// <summary>The PUT's status and the commands it ran after BEGIN.</summary>
    private async Task<(HttpStatusCode Status, List<string> Commands)> PutAsync(HttpClient ingest, string patient, int session, object body)
    {
        var path = $"/api/v1/patients/{patient}/sessions/{session}";
        var before = factory.Recorder.For("PUT", path).Count;
        var response = await ingest.PutAsJsonAsync(path, body);
        var ran = factory.Recorder.For("PUT", path).Skip(before).ToList();
        var begin = ran.IndexOf(CommandRecorder.Begin);
        Assert.True(begin >= 0, "the PUT opened a transaction");
        Assert.DoesNotContain(CommandRecorder.Begin, ran.Skip(begin + 1));
        return (response.StatusCode, ran.Skip(begin + 1).ToList());
    }

    private static string Describe(List<string> commands) =>
        $"{commands.Count} commands:\n" + string.Join("\n---\n", commands);
}
