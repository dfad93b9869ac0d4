using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Health;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The database: one connection pool, the EF context on it, the unit of work, its audit entry and the counts it commits.</summary>
public static class DatabaseServices
{
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddAllianceDatabase();
        builder.Services.AddScoped<UnitOfWork>();
        builder.Services.AddScoped<CommittedCounts>();
        builder.Services.AddScoped<IUnitOfWorkParticipant>(s => s.GetRequiredService<CommittedCounts>());
        builder.Services.AddAuditTrail();
        builder.Services.AddDatabaseHealthCheck();
        return builder;
    }
}
