namespace AllianceMonitor.Api.Dashboard;

public static class DashboardServices
{
    /// <summary>The dashboard's pages (Razor components rendered on the server) and its sign-in limit.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRazorComponents();
        return services.AddSignInLimit(configuration);
    }
}
