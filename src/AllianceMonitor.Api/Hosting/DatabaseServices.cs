using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Health;
using AllianceMonitor.Api.Infrastructure;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The database: one connection pool, the EF context on it, the unit of work and its audit entry.</summary>
public static class DatabaseServices
{
    public static WebApplicationBuilder AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddAllianceDatabase();
        builder.Services.AddScoped<UnitOfWork>();
        builder.Services.AddAuditTrail();
        builder.Services.AddDatabaseHealthCheck();
        return builder;
    }
}
