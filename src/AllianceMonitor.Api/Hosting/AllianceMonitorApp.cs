using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Dashboard;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Forms;
using AllianceMonitor.Api.Health;
using AllianceMonitor.Api.Imports;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.OpenApi;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Webhooks;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The whole service, wired: one call per concern for the services, then the middleware and the routes.</summary>
public static class AllianceMonitorApp
{
    public static WebApplicationBuilder AddAllianceMonitor(this WebApplicationBuilder builder)
    {
        builder.AddDatabase();
        builder.AddApiConventions();
        builder.AddAuth();
        builder.AddAnalysis();
        builder.Services.AddWebhooks(builder.Configuration);
        builder.Services.AddSingleton<ResearchKeys>();
        builder.Services.AddImports();
        builder.AddDashboard();
        builder.Services.AddForms(builder.Configuration);
        builder.AddOpenApiDocument();
        builder.AddTelemetry();
        return builder;
    }

    public static WebApplication MapAllianceMonitor(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestGuards();
        app.UseMiddleware<RequestBodyLimitMiddleware>();
        // Scripts and styles carry no patient data. Sent with no-store, as the pages are, every page view downloaded and
        // parsed them again (Chart.js on each patient view: about 90 ms of the view's 240 ms in bench/dashboard). They
        // are not fingerprinted, so the browser revalidates them by ETag (a 304) rather than trusting an old copy.
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache" });

        // Before authentication and the anti-forgery check, so every sign-in attempt counts, malformed ones included.
        app.UseRateLimiter();
        app.UseFailedAuthLimit();
        app.UseAuthentication();
        app.UseDashboardAntiforgery();
        app.UseAuthorization();

        app.MapOpenApiDocument();
        app.MapHealth();

        var api = app.MapGroup("/api/v1").WithProblemResponses();
        api.MapClinics();
        api.MapPatients();
        api.MapSessions();
        api.MapImports();
        api.MapAlerts();
        api.MapClinicSettings();
        api.MapWebhooks();
        api.MapExport();
        api.MapResearchKey();
        api.MapFormLinks();
        api.MapFormAdmin();

        // One /analysis group: the calibrations and the clinic-level reports share its prefix and its pipeline.
        var analysis = api.MapGroup("/analysis").WithTags("Analysis")
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();
        analysis.MapCalibrations();
        analysis.MapSummary();

        app.MapDashboard();
        app.MapFormPages();
        return app;
    }
}
