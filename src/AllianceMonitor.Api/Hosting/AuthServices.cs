using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Dashboard;

namespace AllianceMonitor.Api.Hosting;

/// <summary>Who is calling: bearer API keys, the dashboard's cookie and its key ring, the sign-in limit.</summary>
public static class AuthServices
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddDatabaseKeyRing(builder.Configuration);
        builder.Services.AddBearerAndDashboardCookie();
        builder.Services.AddSignInLimit(builder.Configuration);
        builder.Services.AddAuthorization();
        return builder;
    }
}
