using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>The transaction boundary: a request rejected by validation opens none; the session writer refuses to run outside one.</summary>
public sealed class UnitOfWorkTests(UnitOfWorkTests.RecordingFactory factory) : IClassFixture<UnitOfWorkTests.RecordingFactory>
{
    public sealed class RecordingFactory : ApiFactory
    {
        public CommandRecorder Recorder { get; } = new();

        protected override void ConfigureTestHost(IWebHostBuilder builder) => builder.ConfigureServices(services =>
        {
            services.AddHttpContextAccessor();
            services.ConfigureDbContext<AllianceDbContext>(Recorder.AttachTo);
        });
    }

    [Fact]
    public async Task A_put_rejected_by_validation_opens_no_transaction_and_writes_only_its_audit_entry()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var client = factory.Client(tenant.Ingest);

        var accepted = await client.PutAsJsonAsync("/api/v1/patients/p-1/sessions/1", Bodies.Session());
        var rejected = await client.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Bodies.Session(waiSr: [4, 4, 5]));

        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);

        // The accepted PUT shows that the recorder sees a request's work: one transaction, the revisions written in it.
        var acceptedSql = factory.Recorder.For("PUT", "/api/v1/patients/p-1/sessions/1");
        Assert.Single(acceptedSql, sql => sql == CommandRecorder.Begin);
        Assert.Contains(acceptedSql, sql => sql.Contains("INSERT INTO measurements", StringComparison.Ordinal));

        var rejectedSql = factory.Recorder.For("PUT", "/api/v1/patients/p-1/sessions/2");
        Assert.DoesNotContain(CommandRecorder.Begin, rejectedSql);
        var writes = rejectedSql.Where(IsWrite).ToList();
        var write = Assert.Single(writes);
        Assert.StartsWith("INSERT INTO audit_log", write.TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain(rejectedSql, sql => sql.Contains("patients", StringComparison.Ordinal) || sql.Contains("sessions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_session_writer_throws_outside_a_unit_of_work_and_writes_nothing()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<SessionWriter>();
        var body = new SessionBody(null, null, null, [new MeasurementInput("phq-9", Items: [1, 1, 1, 1, 1, 1, 1, 1, 1])]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => writer.PutAsync(tenant.ClinicId, new PutSessionRequest("p-outside", 1, body), CancellationToken.None));

        Assert.Contains("must run inside a unit of work", error.Message, StringComparison.Ordinal);
        await using var db = factory.NewDbContext();
        Assert.False(await db.Patients.AnyAsync(p => p.ExternalId == "p-outside"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_committed_unit_leaves_nothing_for_a_later_save_to_write_again(bool lastUse)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var patient = $"p-unit-{lastUse}";
        await using var scope = factory.Services.CreateAsyncScope();
        var unit = scope.ServiceProvider.GetRequiredService<UnitOfWork>();
        var writer = scope.ServiceProvider.GetRequiredService<SessionWriter>();
        var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
        var body = new SessionBody(null, null, "t-unit", [new MeasurementInput("phq-9", Items: [1, 1, 1, 1, 1, 1, 1, 1, 1])]);

        var created = await unit.ExecuteAsync(
            async () => (await writer.PutAsync(tenant.ClinicId, new PutSessionRequest(patient, 1, body), CancellationToken.None)).Created,
            _ => StatusCodes.Status201Created, CancellationToken.None, lastUse);

        Assert.True(created);
        // A request's unit (lastUse) lets the saved entities go; any other keeps them tracked as saved, for its next unit.
        if (lastUse)
        {
            Assert.Empty(db.ChangeTracker.Entries());
        }
        else
        {
            Assert.NotEmpty(db.ChangeTracker.Entries());
            Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
        }

        Assert.Equal(0, await db.SaveChangesAsync());
        await using var check = factory.NewDbContext();
        var stored = await check.Measurements.Where(m => check.Patients.Any(p => p.Id == m.PatientId && p.ExternalId == patient)).ToListAsync();
        Assert.Single(stored);
    }

    private static bool IsWrite(string sql) =>
        sql.TrimStart() is var s && (s.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || s.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase));
}
