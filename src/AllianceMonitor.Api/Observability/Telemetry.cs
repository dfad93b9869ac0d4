using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AllianceMonitor.Api.Observability;

/// <summary>
/// The service's own spans and metrics. Privacy rule: no tag or attribute ever carries an identifier (clinic,
/// patient, therapist, key, event, URL) or a score; tags are small fixed vocabularies (an alert kind, an outcome, an
/// export format) so a metrics backend can neither re-identify anyone nor explode in cardinality.
/// With no OpenTelemetry exporter configured nothing listens, and recording costs one check per call.
/// </summary>
public static class Telemetry
{
    public const string Name = "AllianceMonitor";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    public static readonly Counter<long> SessionsIngested = Meter.CreateCounter<long>(
        "alliancemonitor.sessions.ingested", "{session}", "Sessions written by a PUT (created or revised); tag outcome.");

    public static readonly Counter<long> AlertsRaised = Meter.CreateCounter<long>(
        "alliancemonitor.alerts.raised", "{alert}", "New alerts raised by the rupture detector; tag alert.kind.");

    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "alliancemonitor.webhook.deliveries", "{attempt}", "Webhook delivery attempts; tag outcome (delivered, pending = will retry, failed = given up).");

    public static readonly Counter<long> WebhookFailures = Meter.CreateCounter<long>(
        "alliancemonitor.webhook.failures", "{attempt}", "Webhook attempts that did not get a 2xx; tag error (unreachable, redirect, http_error, send_failed).");

    public static readonly Histogram<double> RefitDuration = Meter.CreateHistogram<double>(
        "alliancemonitor.calibration.refit.duration", "s", "How long a clinic's calibration refit took; tag trigger (auto, manual, demo_seed).");

    public static readonly Counter<long> ExportRows = Meter.CreateCounter<long>(
        "alliancemonitor.export.rows", "{row}", "Rows streamed by research exports; tags format and status.");

    /// <summary>Span names; the tree of a session PUT is server span → <see cref="SessionWrite"/> → <see cref="AlertReplay"/>, with database spans below.</summary>
    public const string SessionWrite = "session.write";

    public const string AlertReplay = "alerts.replay";

    public const string CalibrationRefit = "calibration.refit";
}
