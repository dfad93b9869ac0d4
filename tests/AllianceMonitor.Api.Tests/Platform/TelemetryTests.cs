using System.Diagnostics;
using System.Net.Http.Json;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Hosting;
using AllianceMonitor.Api.Tests.Imports;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Observability;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>
/// The meters and the activity source are process-wide, so the telemetry tests run alone (after the parallel
/// collections): the counts they read are this test's and nobody else's.
/// </summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>The service with its instrumentation exporting to memory instead of OTLP.</summary>
public sealed class InMemoryTelemetryFactory : ApiFactory
{
    public List<Activity> Spans { get; } = [];

    public List<MetricSnapshot> Metrics { get; } = [];

    public void Flush()
    {
        Services.GetRequiredService<TracerProvider>().ForceFlush();
        Services.GetRequiredService<MeterProvider>().ForceFlush();
    }

    protected override void ConfigureTestHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.AddAllianceTelemetry(t => t.AddInMemoryExporter(Spans), m => m.AddInMemoryExporter(Metrics)));
}

[Collection(nameof(TelemetryCollection))]
public sealed class TelemetryTests(InMemoryTelemetryFactory factory) : IClassFixture<InMemoryTelemetryFactory>
{
    private const string Patient = "otel-patient-5c1e";

    [Fact]
    public async Task A_session_put_gives_the_span_tree_and_the_counters_without_identifiers()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        await Ratings.PutSeriesAsync(ingest, Patient, 54, 54);

        // The third session drops (WAI-SR 30 after 54, 54): a rupture. Its trace id is ours, so its spans can be picked out.
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/patients/{Patient}/sessions/3") { Content = JsonContent.Create(Ratings.Session(30)) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        (await ingest.SendAsync(request)).EnsureSuccessStatusCode();
        factory.Flush();

        var trace = factory.Spans.Where(s => s.TraceId == traceId).ToList();
        var server = Assert.Single(trace, s => s.Kind == ActivityKind.Server);
        var route = Assert.IsType<string>(server.GetTagItem("http.route"));
        Assert.StartsWith("/api/v1/patients/{patientId}/sessions/{", route, StringComparison.Ordinal);
        Assert.Equal("PUT", server.GetTagItem("http.request.method"));
        Assert.Equal(201, server.GetTagItem("http.response.status_code"));
        var write = Assert.Single(trace, s => s.OperationName == Telemetry.SessionWrite);
        Assert.Equal(server.SpanId, write.ParentSpanId);
        var replay = Assert.Single(trace, s => s.OperationName == Telemetry.AlertReplay);
        Assert.Equal(write.SpanId, replay.ParentSpanId);
        var database = trace.Where(s => s.Source.Name == "Npgsql").ToList();
        Assert.Contains(database, s => s.ParentSpanId == write.SpanId);

        // The replay runs on the rows the write's one read batch brought back: it queries nothing itself.
        Assert.DoesNotContain(database, s => s.ParentSpanId == replay.SpanId);
        Assert.All(trace, s => Assert.Equal(server.SpanId, RootBelowClient(s, trace).SpanId));

        // Privacy: neither the patient's pseudonym nor the clinic's id nor the key appears in any attribute.
        var values = trace.SelectMany(s => s.TagObjects).Select(t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList();
        Assert.DoesNotContain(values, v => v.Contains(Patient, StringComparison.Ordinal) || v.Contains(tenant.ClinicId.ToString(), StringComparison.Ordinal) || v.Contains(tenant.Ingest, StringComparison.Ordinal));
        Assert.Equal(route, server.GetTagItem("url.path"));

        var alerts = (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items;
        Assert.Equal(3, Sum("alliancemonitor.sessions.ingested", ("outcome", "created")));
        Assert.Equal(1, Sum("alliancemonitor.alerts.raised", ("alert.kind", "rupture")));
        Assert.Equal(alerts.Count, Sum("alliancemonitor.alerts.raised"));
        Assert.All(
            factory.Metrics.Where(m => m.Name.StartsWith("alliancemonitor.", StringComparison.Ordinal)).SelectMany(m => m.MetricPoints),
            point => Assert.All(TagsOf(point), tag => Assert.DoesNotContain(Patient, Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_import_chunk_the_database_refused_counts_its_sessions_and_alerts_once_when_its_lines_are_written_alone()
    {
        var tenant = await Tenant.CreateAsync(factory);
        factory.Flush();
        var (sessionsBefore, alertsBefore) = (Sum("alliancemonitor.sessions.ingested"), Sum("alliancemonitor.alerts.raised"));

        // The chunk is judged whole (a rupture at the third session), refused at its write, rolled back and written
        // line by line: only what the lines commit may be counted.
        await ImportKit.RefusingPatientRefusedAsync(factory, tenant.ClinicId, async () =>
        {
            var summary = await ImportKit.ImportAsync(factory.Client(tenant.Ingest), ImportKit.File([
                new SessionPut("otel-import-1", 1, Ratings.Session(54)),
                new SessionPut("otel-import-1", 2, Ratings.Session(54)),
                new SessionPut("refused", 1, Ratings.Session(54)),
                new SessionPut("otel-import-1", 3, Ratings.Session(30)),
            ]));
            Assert.Equal((3, 1), (summary.Created, summary.Rejected));
        });
        factory.Flush();

        var alerts = (await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts"))!.Items;
        Assert.Single(alerts);
        Assert.Equal(3, Sum("alliancemonitor.sessions.ingested") - sessionsBefore);
        Assert.Equal(1, Sum("alliancemonitor.alerts.raised") - alertsBefore);
    }

    /// <summary>The outermost span of the trace inside the service (the client's own span is not recorded).</summary>
    private static Activity RootBelowClient(Activity span, List<Activity> trace)
    {
        while (trace.FirstOrDefault(s => s.SpanId == span.ParentSpanId) is { } parent)
        {
            span = parent;
        }

        return span;
    }

    private static List<KeyValuePair<string, object?>> TagsOf(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    /// <summary>The latest cumulative total of a counter, over the points whose tags include <paramref name="tag"/>; 0 before its first count.</summary>
    private long Sum(string name, (string Key, string Value)? tag = null)
    {
        var latest = factory.Metrics.LastOrDefault(m => m.Name == name);
        return latest is null ? 0 : latest.MetricPoints
            .Where(p => tag is null || TagsOf(p).Any(t => t.Key == tag.Value.Key && Equals(t.Value, tag.Value.Value)))
            .Sum(p => p.GetSumLong());
    }
}

/// <summary>Without an OTLP endpoint nothing of OpenTelemetry is registered; with one, the providers are.</summary>
public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void Without_an_otel_endpoint_no_provider_is_registered()
    {
        var builder = WebApplication.CreateBuilder();

        builder.AddTelemetry();

        using var services = builder.Services.BuildServiceProvider();
        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]
    public void An_otel_endpoint_registers_the_providers(string variable)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration[variable] = "http://127.0.0.1:4317";

        builder.AddTelemetry();

        using var services = builder.Services.BuildServiceProvider();
        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<MeterProvider>());
    }

    [Fact]
    public void Otel_sdk_disabled_wins_over_an_endpoint()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317";
        builder.Configuration["OTEL_SDK_DISABLED"] = "true";

        builder.AddTelemetry();

        using var services = builder.Services.BuildServiceProvider();
        Assert.Null(services.GetService<TracerProvider>());
    }
}
