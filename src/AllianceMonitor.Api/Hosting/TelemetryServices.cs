using AllianceMonitor.Api.Observability;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AllianceMonitor.Api.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics, exported over OTLP when the standard variables name an endpoint
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, or the per-signal <c>..._TRACES_ENDPOINT</c>/<c>..._METRICS_ENDPOINT</c>;
/// protocol, headers, service name and the rest are read by the exporter). Without one nothing is registered at all:
/// no provider, no listener, no export thread.
/// </summary>
public static class TelemetryServices
{
    private static readonly string[] EndpointVariables =
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"];

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (configuration.GetValue<bool>("OTEL_SDK_DISABLED") || !EndpointVariables.Any(v => !string.IsNullOrWhiteSpace(configuration[v])))
        {
            return builder;
        }

        builder.Services.AddAllianceTelemetry(tracing => tracing.AddOtlpExporter(), metrics => metrics.AddOtlpExporter());
        return builder;
    }

    /// <summary>The instrumentation, with the exporters the caller adds (OTLP in production, in-memory in the tests).</summary>
    public static IServiceCollection AddAllianceTelemetry(
        this IServiceCollection services, Action<TracerProviderBuilder> exportTraces, Action<MeterProviderBuilder> exportMetrics)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("alliancemonitor"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.Name)
                    .AddAspNetCoreInstrumentation(options => options.EnrichWithHttpResponse = WithoutIdentifiers)
                    .AddHttpClientInstrumentation(options =>
                    {
                        // Only the webhook client calls out; a receiver's URL may carry a token, so the path goes too.
                        options.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Authority));
                    })
                    .AddNpgsql();
                exportTraces(tracing);
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddNpgsqlInstrumentation();
                exportMetrics(metrics);
            });
        return services;
    }

    /// <summary>
    /// The request path holds the patient's pseudonym (<c>/patients/{patientId}/...</c>): the span keeps the route
    /// template instead, and no query string.
    /// </summary>
    private static void WithoutIdentifiers(System.Diagnostics.Activity activity, HttpResponse response)
    {
        var template = (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag("url.path", template ?? "(unmatched)");
        activity.SetTag("url.query", null);
    }
}
