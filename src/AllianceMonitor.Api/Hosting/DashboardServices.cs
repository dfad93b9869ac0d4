using AllianceMonitor.Api.Dashboard;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The clinicians' dashboard: its overview cache (pages and sign-in are mapped in <see cref="AllianceMonitorApp"/>).</summary>
public static class DashboardServices
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var overviewMaxAge = builder.Configuration.GetValue("Dashboard:OverviewMaxAge", TimeSpan.FromMinutes(10));
        builder.Services.AddSingleton(s => new OverviewCache(s.GetRequiredService<TimeProvider>(), overviewMaxAge));
        return builder;
    }
}
