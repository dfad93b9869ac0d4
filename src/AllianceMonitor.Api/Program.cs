using System.Text.Json;
using System.Text.Json.Serialization;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Dashboard;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Data.Embedded;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Health;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.OpenApi;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Sessions;
using AllianceMonitor.Api.Webhooks;
using Microsoft.EntityFrameworkCore;

if (args is ["print-export-sql", var clinic] && Guid.TryParse(clinic, out var clinicId))
{
    Console.WriteLine(ExportSql.Literal(clinicId));
    return 0;
}

// "--seed-demo" is ours, not configuration: taken out before the command-line provider would read it as a key.
var seedDemo = args.Contains("--seed-demo");
args = [.. args.Where(a => a != "--seed-demo")];
var builder = WebApplication.CreateBuilder(args);

LocalPostgresCluster? embedded;
try
{
    embedded = await DatabaseSetup.UseEmbeddedDefaultIfUnconfiguredAsync(builder);
}
catch (InvalidOperationException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}

builder.Services.AddAllianceDatabase(builder.Configuration);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddScoped<PatientStore>();
builder.Services.AddScoped<SessionWriter>();
builder.Services.AddScoped<AlertSync>();
builder.Services.AddScoped<AlertWorkflow>();
builder.Services.AddScoped<CalibrationStore>();
builder.Services.Configure<AutomaticRefitOptions>(builder.Configuration.GetSection("Calibration"));
builder.Services.AddSingleton<AutomaticRefit>();
builder.Services.AddHostedService(s => s.GetRequiredService<AutomaticRefit>());
builder.Services.AddValidatorsFrom(typeof(Program).Assembly);
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddSingleton(s => Npgsql.NpgsqlDataSource.Create(
    s.GetRequiredService<IConfiguration>().GetConnectionString(DatabaseSetup.ConnectionName)!));
builder.Services.AddSingleton<SummaryCache>();
builder.Services.AddSingleton(s => new OverviewCache(
    s.GetRequiredService<TimeProvider>(), builder.Configuration.GetValue("Dashboard:OverviewMaxAge", TimeSpan.FromMinutes(10))));

builder.Services.AddProblemJson();
builder.Services.AddRequestGuards();
builder.Services.AddDatabaseOutageHandling();
builder.Services.AddSecurityHeaders();
builder.Services.AddFailedAuthLimit(builder.Configuration);
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    // Unknown fields are rejected, not ignored: a platform must not believe it stored something we dropped.
    o.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
    o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
});

builder.Services.AddDatabaseKeyRing(builder.Configuration);
builder.Services.AddBearerAndDashboardCookie();
builder.Services.AddDashboard(builder.Configuration);
builder.Services.AddAuthorization();
builder.Services.AddDatabaseHealthCheck();
builder.Services.AddOpenApi(o =>
{
    o.AddDocumentTransformer<BearerSecurityTransformer>();
    o.AddOperationTransformer<BearerSecurityTransformer>();
});

var app = builder.Build();

if (args.Contains("migrate"))
{
    await MigrateAsync(app);
    return 0;
}

if (embedded is not null || app.Configuration.GetValue<bool>("Database:MigrateOnStartup"))
{
    await MigrateAsync(app);
}

if (embedded is not null)
{
    app.Lifetime.ApplicationStopped.Register(() => embedded.StopAsync().GetAwaiter().GetResult());
}

await using (var scope = app.Services.CreateAsyncScope())
{
    await BootstrapAdminKey.EnsureAsync(
        scope.ServiceProvider.GetRequiredService<AllianceDbContext>(),
        app.Configuration["Bootstrap:AdminKey"],
        generateIfMissing: embedded is not null,
        Console.Out);
}

if (seedDemo)
{
    await DemoSeeder.SeedAsync(
        app.Services, Console.Out, app.Lifetime.ApplicationStopping,
        patients: app.Configuration.GetValue("Demo:Patients", 30),
        parallelism: app.Configuration.GetValue("Demo:Parallelism", 1));
}

app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestGuards();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseStaticFiles();

// Before authentication and the anti-forgery check, so every sign-in attempt counts, malformed ones included.
app.UseRateLimiter();
app.UseFailedAuthLimit();
app.UseAuthentication();
app.UseDashboardAntiforgery();
app.UseAuthorization();

app.MapOpenApi("/openapi/{documentName}.json");
app.UseSwaggerUI(o =>
{
    o.RoutePrefix = "docs";
    o.SwaggerEndpoint("/openapi/v1.json", "AllianceMonitor v1");
    o.DocumentTitle = "AllianceMonitor API";
});
app.MapHealth();

var api = app.MapGroup("/api/v1");
api.MapClinics();
api.MapPatients();
api.MapSessions();
api.MapAlerts();
api.MapClinicSettings();
api.MapCalibrations();
api.MapWebhooks();
api.MapExport();
api.MapSummary();
app.MapDashboard();

await app.RunAsync();
return 0;

static async Task MigrateAsync(WebApplication app)
{
    await using var scope = app.Services.CreateAsyncScope();
    await scope.ServiceProvider.GetRequiredService<AllianceDbContext>().Database.MigrateAsync();
}

/// <summary>Entry point, public so the integration tests can host the service.</summary>
public partial class Program;
