using System.Globalization;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Forms.Pages;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Forms;

/// <summary>
/// The form page at <c>/f/{token}</c>: no key, no cookie, the token is the only credential. Each instrument is one
/// step; a step's answers travel to the next in hidden fields, so nothing is stored before the last step sends
/// everything through <see cref="FormSubmission"/>. A link that cannot be used gets a plain page and a 4xx.
/// </summary>
public static class FormPageEndpoints
{
    public static void MapFormPages(this IEndpointRouteBuilder routes)
    {
        var pages = routes.MapGroup(FormUrls.PathPrefix.TrimEnd('/')).ExcludeFromDescription().AllowAnonymous();
        pages.MapGet("/{token}", ShowForm);
        pages.MapPost("/{token}", PostForm).DisableAntiforgery();
    }

    private static async Task<IResult> ShowForm(string token, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        var (link, refusal) = await OpenLinkAsync(token, http, db, clock, "form.view");
        if (link is null)
        {
            return refusal!;
        }

        var (wordings, settings) = await LoadPageDataAsync(db, link, http.RequestAborted);
        if (Missing(link, wordings) is { } missing)
        {
            return missing(http);
        }

        db.AuditLog.Add(FormAudit.Entry("form.view", link.ClinicId, link.Patient!.ExternalId, StatusCodes.Status200OK));
        await db.SaveChangesAsync(http.RequestAborted);
        return Step(http, link, wordings, settings, 0, new Dictionary<string, string>(), []);
    }

    private static async Task<IResult> PostForm(
        string token, HttpContext http, AllianceDbContext db, TimeProvider clock, FormSubmitLimit limit, FormSubmission submission)
    {
        if (FormTokens.IsWellFormed(token) && limit.TryAcquire(http, Convert.ToHexString(FormTokens.Hash(token))) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Message(http, null, StatusCodes.Status429TooManyRequests, "Please wait a moment",
                "This form was sent too many times in a short while. Please wait a minute and try again.", "rate-limited");
        }

        var (link, refusal) = await OpenLinkAsync(token, http, db, clock, "form.submit");
        if (link is null)
        {
            return refusal!;
        }

        var (wordings, settings) = await LoadPageDataAsync(db, link, http.RequestAborted);
        if (Missing(link, wordings) is { } missing)
        {
            return missing(http);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var steps = link.Instruments.OrderBy(i => i.Position).ToList();
        if (!int.TryParse(form["step"], NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step >= steps.Count)
        {
            return Message(http, settings, StatusCodes.Status400BadRequest, "Something went wrong",
                "The form could not tell which step this was. Please open your link again.", "bad-step");
        }

        var answers = FormAnswers.Read(form, steps.Take(step + 1));
        if (steps.Take(step).Any(s => FormAnswers.Unanswered(answers, s).Count > 0))
        {
            return Message(http, settings, StatusCodes.Status400BadRequest, "Something went wrong",
                "Answers from an earlier step did not arrive. Please open your link again.", "lost-answers");
        }

        if (FormAnswers.Unanswered(answers, steps[step]) is { Count: > 0 } open)
        {
            return Step(http, link, wordings, settings, step, answers, open, StatusCodes.Status400BadRequest);
        }

        if (step < steps.Count - 1)
        {
            return Step(http, link, wordings, settings, step + 1, answers, []);
        }

        var outcome = await submission.SubmitAsync(link.Id, answers, http.RequestAborted);
        if (outcome != SubmissionOutcome.Stored)
        {
            db.ChangeTracker.Clear();
            db.AuditLog.Add(FormAudit.Entry("form.submit", link.ClinicId, link.Patient!.ExternalId,
                outcome == SubmissionOutcome.Rejected ? StatusCodes.Status400BadRequest : StatusCodes.Status410Gone));
            await db.SaveChangesAsync(CancellationToken.None);
            return outcome == SubmissionOutcome.Rejected
                ? Message(http, settings, StatusCodes.Status400BadRequest, "Your answers could not be stored",
                    "Some answers were not accepted. Please open your link again.", "rejected")
                : Unusable(http, settings, FormLinkState.Submitted);
        }

        // A local path comes only from the dashboard's own links; the API accepts absolute URLs of configured origins only.
        if (link.ReturnUrl is { } returnUrl && (LocalPaths.IsLocal(returnUrl) || FormOrigins.IsAllowedReturn(returnUrl, settings?.ReturnOrigins ?? [])))
        {
            // See Other: the browser follows with a GET, so reloading the platform's page never posts the form again.
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.Location = returnUrl;
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        }

        return Message(http, settings, StatusCodes.Status200OK, "Thank you",
            link.Rater == Rater.Therapist
                ? "Your rating of this session is stored. You can close this page."
                : "Your answers have been sent. You can close this page.",
            "thanks");
    }

    /// <summary>The link behind a token, if it can be used now; else the page that says why, already audited.</summary>
    private static async Task<(FormLink? Link, IResult? Refusal)> OpenLinkAsync(
        string token, HttpContext http, AllianceDbContext db, TimeProvider clock, string action)
    {
        var link = FormTokens.IsWellFormed(token)
            ? await db.FormLinks.AsNoTracking().Include(l => l.Patient)
                .SingleOrDefaultAsync(l => l.TokenHash == FormTokens.Hash(token), http.RequestAborted)
            : null;
        if (link is null)
        {
            // No clinic or patient to name: a forged token is recorded as such, so bulk guessing shows in the audit log.
            db.AuditLog.Add(FormAudit.Entry(action, null, null, StatusCodes.Status404NotFound));
            await db.SaveChangesAsync(http.RequestAborted);
            return (null, Message(http, null, StatusCodes.Status404NotFound, "This link does not work",
                "This form link is not valid. Please check that you copied the whole link, or ask for a new one.", "not-valid"));
        }

        var state = FormLinkStates.Of(link, Timestamps.Now(clock));
        if (state == FormLinkState.Open)
        {
            return (link, null);
        }

        db.AuditLog.Add(FormAudit.Entry(action, link.ClinicId, link.Patient!.ExternalId, StatusCodes.Status410Gone));
        await db.SaveChangesAsync(http.RequestAborted);

        // The clinic's frame origins still apply, so an embedded form shows why it cannot be used instead of a blocked frame.
        var settings = await db.FormSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClinicId == link.ClinicId, http.RequestAborted);
        return (null, Unusable(http, settings, state));
    }

    private static async Task<(Dictionary<string, FormWording> Wordings, FormSettings? Settings)> LoadPageDataAsync(
        AllianceDbContext db, FormLink link, CancellationToken cancellationToken)
    {
        var wordings = await FormWordings.LoadAsync(db, link.ClinicId, link.Instruments.Select(i => i.Instrument), link.Language, cancellationToken);
        var settings = await db.FormSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClinicId == link.ClinicId, cancellationToken);
        return (wordings, settings);
    }

    /// <summary>A wording removed after the link was made: the link cannot show a complete form, so it shows none.</summary>
    private static Func<HttpContext, IResult>? Missing(FormLink link, Dictionary<string, FormWording> wordings) =>
        link.Instruments.All(i => wordings.ContainsKey(i.Instrument))
            ? null
            : http => Message(http, null, StatusCodes.Status409Conflict, "This form cannot be shown",
                "The questions of this form are not available at the moment. Please tell your clinic.", "no-wording");

    private static RazorComponentResult<FormStepPage> Step(
        HttpContext http, FormLink link, Dictionary<string, FormWording> wordings, FormSettings? settings, int step,
        IReadOnlyDictionary<string, string> answers, IReadOnlyList<int> unanswered, int status = StatusCodes.Status200OK)
    {
        var steps = link.Instruments.OrderBy(i => i.Position).ToList();
        var entry = steps[step];
        var carried = answers.Where(a => !a.Key.StartsWith($"a{entry.Position}_", StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
        var current = answers.Where(a => a.Key.StartsWith($"a{entry.Position}_", StringComparison.Ordinal)).ToDictionary();
        var wording = wordings[entry.Instrument];
        var model = new FormStepModel(step, steps.Count, entry.Position, InstrumentCatalog.Find(entry.Instrument)!, wording, carried, current, unanswered);
        var frame = new FormFrame($"{wording.Title} · step {step + 1} of {steps.Count}", link.Language, WhoSees(link.Rater));
        return FormPage.Render<FormStepPage, FormStepModel>(http, frame, model, settings, status);
    }

    private static RazorComponentResult<FormMessagePage> Unusable(HttpContext http, FormSettings? settings, FormLinkState state) => state switch
    {
        FormLinkState.Submitted => Message(http, settings, StatusCodes.Status410Gone, "Already sent",
            "The answers for this link have already been sent, and a link can be used once. Nothing was changed.", "already-sent"),
        FormLinkState.Revoked => Message(http, settings, StatusCodes.Status410Gone, "This link was withdrawn",
            "This form link has been withdrawn. If you expected to fill in a form, please ask for a new link.", "link-withdrawn"),
        _ => Message(http, settings, StatusCodes.Status410Gone, "This link has expired",
            "This form link has expired. Please ask for a new link.", "expired"),
    };

    private static RazorComponentResult<FormMessagePage> Message(HttpContext http, FormSettings? settings, int status, string heading, string message, string id) =>
        FormPage.Render<FormMessagePage, FormMessageModel>(
            http, new FormFrame(heading, "en", WhoSees(Rater.Client)), new FormMessageModel(heading, message, id), settings, status);

    private static string WhoSees(Rater rater) => rater == Rater.Therapist
        ? "Your ratings are stored with this session beside your client's own ratings, for your clinic's alliance monitoring."
        : "Who sees your answers: your therapist and the care team at your clinic, to look after your treatment. They are stored under a code, not your name, and the form has no boxes for writing text.";
}
