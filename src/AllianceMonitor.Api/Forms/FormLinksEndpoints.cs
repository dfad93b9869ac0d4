using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Auditing;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Forms;

/// <summary>Form links: a platform (ingest key) or a clinician asks for a link, sends it to the client, and may revoke it.</summary>
public static class FormLinksEndpoints
{
    public static void MapFormLinks(this IEndpointRouteBuilder routes)
    {
        var create = routes.MapGroup("/patients/{patientId}/sessions").WithTags("Forms")
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();
        create.MapPost("/{sessionNumber}/forms", CreateFormLink)
            .WithName(nameof(CreateFormLink))
            .WithSummary("A link to a form page where the client (or therapist) fills in the named instruments for this session; the URL is shown once")
            .RequireAuthorization(p => p.RequireRole(Roles.Ingest, Roles.Clinician))
            .Audited("form.link.create")
            .Validated<CreateFormLinkRequest>()
            .ProducesProblem(StatusCodes.Status409Conflict);

        var links = routes.MapGroup("/form-links").WithTags("Forms")
            .RequireAuthorization(p => p.RequireRole(Roles.Ingest, Roles.Clinician))
            .WithAudit()
            .WithValidation()
            .WithUnitOfWork();
        links.MapGet("/{linkId:guid}", GetFormLink)
            .WithName(nameof(GetFormLink))
            .WithSummary("A link's state: open, submitted, expired or revoked")
            .Audited("form.link.read");
        links.MapPost("/{linkId:guid}/revoke", RevokeFormLink)
            .WithName(nameof(RevokeFormLink))
            .WithSummary("Stop a link from working; a submitted link keeps its ratings")
            .Audited("form.link.revoke");
    }

    public static async Task<Results<Created<FormLinkResponse>, ProblemHttpResult, ValidationProblem>> CreateFormLink(
        [AsParameters] CreateFormLinkRequest request, HttpContext http, AllianceDbContext db, FormLinkIssuer issuer, IConfiguration configuration)
    {
        var caller = Caller.From(http.User);
        var clinicId = Caller.ClinicOf(http.User);
        var body = request.Body;
        var language = body.Language ?? ShippedWording.Language;
        var instruments = body.Instruments
            .Select((input, position) =>
            {
                var definition = InstrumentCatalog.Find(input.Instrument)!;
                var timing = input.Timing is null ? definition.DefaultTiming : StoredNames.Parse<Timing>(input.Timing);
                return new FormLinkInstrument { Position = position, Instrument = definition.Code, Timing = timing };
            })
            .ToList();

        if (body.ReturnUrl is not null)
        {
            var settings = await db.FormSettings.AsNoTracking().SingleOrDefaultAsync(s => s.ClinicId == clinicId, http.RequestAborted);
            if (!FormOrigins.IsAllowedReturn(body.ReturnUrl, settings?.ReturnOrigins ?? []))
            {
                var rule = $"its origin {FormOrigins.OriginOf(body.ReturnUrl)} is not one of the clinic's return origins (PUT /api/v1/clinics/current/form-settings)";
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["returnUrl"] = [rule] }, detail: $"returnUrl: {rule}");
            }
        }

        var order = new FormLinkOrder(clinicId, request.PatientId, request.SessionNumber, StoredNames.Parse<Rater>(body.Rater), language, instruments,
            TimeSpan.FromSeconds(body.ExpiresIn ?? CreateFormLinkValidator.DefaultExpiresIn), body.ReturnUrl, caller.KeyId);
        var (link, token, missing) = await issuer.IssueAsync(order, http.RequestAborted);
        if (link is null)
        {
            return MissingWording(missing, language);
        }

        var url = FormUrls.Absolute(http, configuration, token!);
        var response = new FormLinkResponse(link.Id, url, link.ExpiresAt, link.Rater, link.Language,
            instruments.Select(i => new FormInstrumentResponse(i.Instrument, i.Timing)).ToList());
        return TypedResults.Created($"/api/v1/form-links/{link.Id}", response);
    }

    public static async Task<Results<Ok<FormLinkStatusResponse>, ProblemHttpResult>> GetFormLink(
        Guid linkId, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        var link = await FindAsync(db, Caller.ClinicOf(http.User), linkId, http.RequestAborted);
        return link is null ? LinkNotFound(linkId) : TypedResults.Ok(Status(link, Timestamps.Now(clock)));
    }

    public static async Task<Results<Ok<FormLinkStatusResponse>, ProblemHttpResult>> RevokeFormLink(
        Guid linkId, HttpContext http, AllianceDbContext db, TimeProvider clock)
    {
        var link = await FindAsync(db, Caller.ClinicOf(http.User), linkId, http.RequestAborted);
        if (link is null)
        {
            return LinkNotFound(linkId);
        }

        http.RequestServices.GetRequiredService<AuditTrail>().Refine("form.link.revoke", link.Patient!.ExternalId);
        var now = Timestamps.Now(clock);
        link.RevokedAt ??= now;
        return TypedResults.Ok(Status(link, now));
    }

    private static Task<FormLink?> FindAsync(AllianceDbContext db, Guid clinicId, Guid linkId, CancellationToken cancellationToken) =>
        db.FormLinks.Include(l => l.Patient).SingleOrDefaultAsync(l => l.Id == linkId && l.ClinicId == clinicId, cancellationToken);

    private static FormLinkStatusResponse Status(FormLink link, DateTimeOffset now) => new(
        link.Id, link.Patient!.ExternalId, link.SessionNumber, FormLinkStates.Of(link, now), link.ExpiresAt, link.SubmittedAt, link.RevokedAt);

    private static ProblemHttpResult LinkNotFound(Guid linkId) =>
        TypedResults.Problem($"No form link {linkId} in this clinic.", statusCode: StatusCodes.Status404NotFound, title: "Form link not found");

    public static ProblemHttpResult MissingWording(IReadOnlyList<string> instruments, string language) => TypedResults.Problem(
        $"The clinic has no wording in language '{language}' for {string.Join(", ", instruments)}. " +
        "These measures are licensed or copyrighted, so the service does not ship their text: a clinic administrator uploads the licensed wording " +
        "with PUT /api/v1/clinics/current/text-packs, or the link asks for a language the clinic has.",
        statusCode: StatusCodes.Status409Conflict,
        title: "No wording for an instrument in this language",
        extensions: new Dictionary<string, object?> { ["missing"] = instruments.Select(i => new { instrument = i, language }).ToList() });
}
