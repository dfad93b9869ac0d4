using Microsoft.Extensions.Options;

namespace AllianceMonitor.Api.Webhooks;

public static class WebhookRegistration
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>()
            .Bind(configuration.GetSection(WebhookOptions.Section))
            .Validate(
                o => o.PollInterval > TimeSpan.Zero && o.RetryBaseDelay > TimeSpan.Zero && o.RetryBaseDelay <= o.RetryMaxDelay
                    && o.RetryFor > TimeSpan.Zero && o.Timeout > TimeSpan.Zero && o.Retention > TimeSpan.Zero
                    && o.SecretRotationOverlap >= TimeSpan.Zero,
                "Webhooks: every interval must be positive (SecretRotationOverlap may be zero) and RetryBaseDelay at most RetryMaxDelay.")
            .ValidateOnStart();
        services.AddHttpClient(WebhookSender.HttpClientName, (provider, client) =>
            {
                client.Timeout = provider.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("AllianceMonitor-Webhooks/1");
            })
            // A redirect is reported as a failed attempt, not followed: the receiver's URL is the one the clinic registered.
            // Every connection goes through the target policy, which connects to the address it checked.
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                ConnectCallback = provider.GetRequiredService<WebhookTargetPolicy>().ConnectAsync,
            })
            // The default handler logs request URLs, which may carry a receiver's token.
            .RemoveAllLoggers();
        services.AddSingleton<WebhookTargetPolicy>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
