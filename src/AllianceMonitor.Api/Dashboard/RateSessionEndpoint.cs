using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Dashboard.Pages;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Forms;
using AllianceMonitor.Api.Sessions;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>
/// "Rate this session" on the patient page: a short-lived WAI-SR-T link for the signed-in clinician, opened at once.
/// The form is the same page a client gets, so the ratings take the same path (rater <c>therapist</c>); afterwards
/// the browser comes back to the patient page.
/// </summary>
public static class RateSessionEndpoint
{
    public const string Instrument = "wai-sr-t";

    /// <summary>Long enough to fill a twelve-item form, short enough that a forgotten tab's link soon stops working.</summary>
    private static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(1);

    public static async Task<IResult> RateSession(string patientId, HttpContext http, PatientStore patients, FormLinkIssuer issuer)
    {
        var caller = Caller.From(http.User);
        var clinicId = caller.ClinicId!.Value;
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var patient = await patients.FindAsync(clinicId, patientId, http.RequestAborted);
        if (patient is null || !int.TryParse(form["session"], NumberStyles.None, CultureInfo.InvariantCulture, out var session)
            || session < 1 || session > Vocabulary.MaxSessionNumber)
        {
            var notFound = new MessageModel("Cannot rate this session", "Choose a session of a patient in this clinic.", IsAlert: true, "rate-refused", "/patients", "All patients");
            return DashboardPage.Render<MessagePage, MessageModel>(http, DashboardPage.Frame(http, "Cannot rate", DashboardSection.Patients), notFound, StatusCodes.Status400BadRequest);
        }

        var back = $"/patients/{Uri.EscapeDataString(patientId)}";
        var order = new FormLinkOrder(clinicId, patientId, session, Rater.Therapist, ShippedWording.Language,
            [new FormLinkInstrument { Position = 0, Instrument = Instrument, Timing = InstrumentCatalog.Find(Instrument)!.DefaultTiming }],
            LinkLifetime, back, caller.KeyId);
        var (link, token, _) = await issuer.IssueAsync(order, http.RequestAborted);
        if (link is null)
        {
            var missing = new MessageModel("No wording for the therapist's form",
                "The WAI-SR-T is copyrighted, so the service does not ship its text. Ask your clinic's administrator to upload the licensed wording (a text pack for wai-sr-t in English).",
                IsAlert: true, "no-wording", back, "Back to the patient");
            return DashboardPage.Render<MessagePage, MessageModel>(http, DashboardPage.Frame(http, "No wording", DashboardSection.Patients), missing, StatusCodes.Status409Conflict);
        }

        http.Response.Headers.Location = FormUrls.PathPrefix + token;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
