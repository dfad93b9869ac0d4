using AllianceMonitor.Api.Dashboard;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The clinicians' dashboard: its pages, sign-in limit and overview cache (the routes are mapped in <see cref="AllianceMonitorApp"/>).</summary>
public static class DashboardHosting
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddDashboard(builder.Configuration);
        var overviewMaxAge = builder.Configuration.GetValue("Dashboard:OverviewMaxAge", TimeSpan.FromMinutes(10));
        builder.Services.AddSingleton(s => new ClinicFitCache<OverviewModels>(s.GetRequiredService<TimeProvider>(), overviewMaxAge));
        builder.Services.AddSingleton(s => new ClinicFitCache<SupervisorModels>(s.GetRequiredService<TimeProvider>(), overviewMaxAge));
        return builder;
    }
}
