using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Sessions;

/// <summary>
/// Callers that write many sessions in one unit of work (the demo seeder, a bulk import) call the writer once per
/// session: each call must see what the calls before it wrote, though nothing is committed until the end.
/// </summary>
public sealed class SessionsInOneUnitOfWorkTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Sessions_written_one_after_another_in_one_unit_of_work_raise_correct_and_withdraw_one_alert()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<SessionWriter>();
        var withdrawnInTheMiddle = false;

        await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(
            async () =>
            {
                await writer.PutAsync(tenant.ClinicId, Put(1, 54), CancellationToken.None);
                await writer.PutAsync(tenant.ClinicId, Put(2, 54), CancellationToken.None);
                await writer.PutAsync(tenant.ClinicId, Put(3, 30), CancellationToken.None);  // a rupture
                await writer.PutAsync(tenant.ClinicId, Put(3, 54), CancellationToken.None);  // corrected: withdrawn
                var db = scope.ServiceProvider.GetRequiredService<AllianceDbContext>();
                withdrawnInTheMiddle = db.ChangeTracker.Entries<Alert>().Single().Entity.Status == AlertStatus.Withdrawn;
                await writer.PutAsync(tenant.ClinicId, Put(3, 30), CancellationToken.None);  // and back: the same alert again
                var (session, created) = await writer.PutAsync(tenant.ClinicId, Put(3, 30), CancellationToken.None); // unchanged
                Assert.False(created);
                Assert.Equal(3, session.Measurements.Single(m => m.SupersededAt is null).Revision);
            },
            CancellationToken.None);

        Assert.True(withdrawnInTheMiddle);
        await using var check = factory.NewDbContext();
        var alert = await check.Alerts.SingleAsync(a => a.ClinicId == tenant.ClinicId);
        Assert.Equal((AlertKind.Rupture, 3, AlertStatus.Open), (alert.Kind, alert.Session, alert.Status));
        var revisions = await check.Measurements
            .Where(m => check.Sessions.Any(s => s.Id == m.SessionId && s.Number == 3 && check.Patients.Any(p => p.Id == s.PatientId && p.ClinicId == tenant.ClinicId)))
            .OrderBy(m => m.Revision).Select(m => new { m.Revision, m.Total, Current = m.SupersededAt == null }).ToListAsync();
        Assert.Equal([(1, false), (2, false), (3, true)], revisions.Select(r => (r.Revision, r.Current)));
    }

    private static PutSessionRequest Put(int session, int waiSrTotal) =>
        new("p-batch", session, new SessionBody(new DateOnly(2026, 11, 2), "video", "t-1", [new MeasurementInput("wai-sr", Items: [.. Ratings.WaiSr(waiSrTotal).Select(i => (double)i)])]));
}
