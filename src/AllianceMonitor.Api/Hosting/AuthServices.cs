using AllianceMonitor.Api.Auth;

namespace AllianceMonitor.Api.Hosting;

/// <summary>Who is calling: bearer API keys, the dashboard's cookie and its key ring (the sign-in limit comes with the dashboard).</summary>
public static class AuthServices
{
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddDatabaseKeyRing(builder.Configuration);
        builder.Services.AddBearerAndDashboardCookie();
        builder.Services.AddApiKeyCache(builder.Configuration);
        builder.Services.AddFailedAuthLimit(builder.Configuration);
        builder.Services.AddAuthorization();
        return builder;
    }
}
