using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Dashboard.Pages;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Export;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// The clinician dashboard: sign-in with a clinician key, the alert inbox, a patient's course and the clinic overview.
/// Pages are Razor components rendered on the server, each fed a view model by a query class; the only script draws
/// the patient chart. Every page view and action is audited.
/// </summary>
public static class DashboardEndpoints
{
    public static void MapDashboard(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup("").ExcludeFromDescription();
        pages.MapGet("/login", SignInEndpoints.LoginPage).AllowAnonymous();
        pages.MapPost("/login", SignInEndpoints.SignIn).AllowAnonymous().RequireRateLimiting(SignInLimit.PolicyName);
        pages.MapPost("/logout", (Delegate)SignInEndpoints.SignOut).AllowAnonymous();

        // The same request pipeline as the API's: every page view and action is audited, and an action commits with
        // its audit entry in one unit of work.
        var clinician = pages.MapGroup("").RequireAuthorization(p => p.RequireRole(Roles.Clinician))
            .WithAudit()
            .WithUnitOfWork();
        clinician.MapGet("/", Inbox).Audited("dashboard.alerts.list");
        clinician.MapPost("/alerts/{alertId:guid}/act", AlertActionEndpoint.ActOnAlert).Audited(AlertActionEndpoint.UnchosenAction);
        clinician.MapGet("/patients", PatientList).Audited("dashboard.patients.list");
        clinician.MapGet("/patients/{patientId}", Patient).Audited("dashboard.patient.read");
        clinician.MapPost("/patients/{patientId}/rate", RateSessionEndpoint.RateSession).Audited("dashboard.session.rate");
        clinician.MapGet("/overview", Overview).Audited("dashboard.overview.read");
        // Per-therapist figures are for the clinic's admins (a key with both roles), never for every clinician.
        clinician.MapGet("/supervisor", Supervisor).RequireAuthorization(p => p.RequireRole(Roles.Admin)).Audited("dashboard.supervisor.read");
    }

    private static async Task<IResult> Inbox(HttpContext http, AllianceDbContext db, string? therapist, string? kind, string? status, string? page)
    {
        var caller = Caller.From(http.User);
        var filter = InboxFilter.Parse(therapist, kind, status, page);
        var model = await InboxQuery.LoadAsync(db, caller.ClinicId!.Value, filter, http.Request.Path + http.Request.QueryString, http.RequestAborted);
        return DashboardPage.Render<InboxPage, InboxModel>(http, DashboardPage.Frame(http, "Alerts", DashboardSection.Alerts), model);
    }

    private static async Task<IResult> PatientList(HttpContext http, AllianceDbContext db, string? q, string? page)
    {
        var caller = Caller.From(http.User);
        var model = await PatientListQuery.LoadAsync(db, caller.ClinicId!.Value, q, page, http.RequestAborted);
        return DashboardPage.Render<PatientListPage, PatientListModel>(http, DashboardPage.Frame(http, "Patients", DashboardSection.Patients), model);
    }

    private static async Task<IResult> Patient(string patientId, HttpContext http, AllianceDbContext db, CalibrationStore calibrations)
    {
        var caller = Caller.From(http.User);
        var model = await PatientQuery.LoadAsync(patientId, http, db, calibrations, caller.ClinicId!.Value);
        if (model is null)
        {
            var notFound = new MessageModel("Patient not found", $"No patient {patientId} in this clinic.", IsAlert: false, null, "/patients", "All patients");
            return DashboardPage.Render<MessagePage, MessageModel>(http, DashboardPage.Frame(http, "Not found", DashboardSection.Patients), notFound, StatusCodes.Status404NotFound);
        }

        var frame = DashboardPage.Frame(http, $"Patient {model.PatientId}", DashboardSection.Patients, chartScripts: true);
        return DashboardPage.Render<PatientPage, PatientModel>(http, frame, model);
    }

    private static async Task<IResult> Supervisor(
        HttpContext http, AllianceDbContext db, NpgsqlDataSource dataSource, ClinicFitCache<SupervisorModels> cache, IOptions<AnalysisOptions> options)
    {
        var caller = Caller.From(http.User);
        var model = await SupervisorQuery.LoadAsync(db, dataSource, cache, options.Value.MinTherapists, caller.ClinicId!.Value, http.RequestAborted);
        return DashboardPage.Render<SupervisorPage, SupervisorModel>(http, DashboardPage.Frame(http, "Supervisor view", DashboardSection.Supervisor), model);
    }

    private static async Task<IResult> Overview(HttpContext http, AllianceDbContext db, NpgsqlDataSource dataSource, ClinicFitCache<OverviewModels> cache)
    {
        var caller = Caller.From(http.User);
        var model = await OverviewQuery.LoadAsync(db, dataSource, cache, caller.ClinicId!.Value, http.RequestAborted);
        return DashboardPage.Render<OverviewPage, OverviewModel>(http, DashboardPage.Frame(http, "Clinic overview", DashboardSection.Overview), model);
    }
}
