using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Sessions;

namespace AllianceMonitor.Api.Hosting;

/// <summary>The live path and the analyses: session writes, alert replay, calibrations and their refits, reports.</summary>
public static class AnalysisServices
{
    public static WebApplicationBuilder AddAnalysis(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScoped<PatientStore>();
        builder.Services.AddScoped<SessionWriter>();
        builder.Services.AddScoped<AlertSync>();
        builder.Services.AddScoped<AlertWorkflow>();
        builder.Services.AddScoped<CalibrationStore>();
        builder.Services.AddScoped<TrajectoryQuery>();
        builder.Services.Configure<AutomaticRefitOptions>(builder.Configuration.GetSection("Calibration"));
        builder.Services.AddSingleton<AutomaticRefit>();
        builder.Services.AddHostedService(s => s.GetRequiredService<AutomaticRefit>());
        builder.Services.AddSingleton(s => new SummaryCache(s.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
        builder.Services.AddOptions<AnalysisOptions>().Bind(builder.Configuration.GetSection(AnalysisOptions.Section))
            .Validate(o => o.MinPairsPerModality >= 0 && o.MinTherapists >= 0, "Analysis:MinPairsPerModality and Analysis:MinTherapists must not be negative.")
            .ValidateOnStart();
        return builder;
    }
}
