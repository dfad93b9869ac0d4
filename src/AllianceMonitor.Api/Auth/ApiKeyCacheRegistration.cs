using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Auth;

/// <summary>How long key lookups are kept (<c>Auth:KeyCache</c>) and how the change listener reconnects.</summary>
public sealed class ApiKeyCacheOptions
{
    public const string Section = "Auth:KeyCache";

    /// <summary>How long a lookup is kept at most; zero turns the cache (and its listener) off.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The first wait before the listener connects again after losing its connection; doubles up to the maximum.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the listener waits for a notification before it checks that its connection still answers.</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a key write waits at most for every listening instance to acknowledge emptying its cache: an instance
    /// that lost its connection without the database noticing never acknowledges (and bypasses its cache once it notices).
    /// </summary>
    public TimeSpan AcknowledgementWait { get; set; } = TimeSpan.FromSeconds(2);
}

public static class ApiKeyCacheRegistration
{
    /// <summary>The cache, the listener that keeps it honest, and the hook that empties it when this instance writes a key.</summary>
    public static IServiceCollection AddApiKeyCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyCacheOptions>().Bind(configuration.GetSection(ApiKeyCacheOptions.Section))
            .Validate(o => o.Lifetime >= TimeSpan.Zero, "Auth:KeyCache:Lifetime must not be negative (zero turns the cache off).")
            .Validate(o => o.ReconnectDelay > TimeSpan.Zero && o.MaxReconnectDelay >= o.ReconnectDelay,
                "Auth:KeyCache: ReconnectDelay must be positive and MaxReconnectDelay at least as long.")
            .Validate(o => o.PingInterval > TimeSpan.Zero, "Auth:KeyCache:PingInterval must be positive.")
            .Validate(o => o.AcknowledgementWait >= TimeSpan.Zero, "Auth:KeyCache:AcknowledgementWait must not be negative.")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyWriteInterceptor>();
        services.ConfigureDbContext<AllianceDbContext>((provider, options) => options.AddInterceptors(provider.GetRequiredService<ApiKeyWriteInterceptor>()));
        return services.AddHostedService<ApiKeyChangeListener>();
    }
}
