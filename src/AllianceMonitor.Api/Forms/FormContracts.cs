using System.ComponentModel;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.Mvc;

namespace AllianceMonitor.Api.Forms;

/// <summary>One instrument of a form link.</summary>
/// <param name="Instrument">Catalog code, e.g. <c>phq-9</c>, <c>wai-sr</c>.</param>
/// <param name="Timing"><c>pre</c> or <c>post</c>; defaults to the instrument's usual timing.</param>
public sealed record FormInstrumentInput(string Instrument, string? Timing = null);

/// <summary>What a form link asks for.</summary>
/// <param name="Instruments">Shown one per step, in this order.</param>
/// <param name="Rater"><c>client</c> or <c>therapist</c>: who fills the form in.</param>
/// <param name="Language">The wording's language (default <c>en</c>); the clinic needs a text pack in it for licensed measures.</param>
/// <param name="ExpiresIn">Seconds until the link stops working: 300 to 2,592,000 (30 days); default 86,400 (24 hours).</param>
/// <param name="ReturnUrl">Where the browser goes after submitting; its origin must be one of the clinic's return origins.</param>
public sealed record FormLinkBody(
    IReadOnlyList<FormInstrumentInput> Instruments,
    string Rater,
    string? Language = null,
    int? ExpiresIn = null,
    string? ReturnUrl = null);

public sealed record CreateFormLinkRequest(
    [property: Description("The platform's pseudonymous patient id.")] string PatientId,
    [property: Description("The session the ratings belong to; 1 for the first.")] int SessionNumber,
    [property: FromBody] FormLinkBody Body);

public sealed record FormInstrumentResponse(string Instrument, Timing Timing);

/// <summary>A form link. <paramref name="Url"/> is shown once, at creation; the service keeps only its hash.</summary>
public sealed record FormLinkResponse(
    Guid Id,
    string Url,
    DateTimeOffset ExpiresAt,
    Rater Rater,
    string Language,
    IReadOnlyList<FormInstrumentResponse> Instruments);

/// <summary>A link's state: <c>open</c>, <c>submitted</c>, <c>expired</c> or <c>revoked</c>.</summary>
public sealed record FormLinkStatusResponse(Guid Id, string PatientId, int SessionNumber, FormLinkState Status, DateTimeOffset ExpiresAt, DateTimeOffset? SubmittedAt, DateTimeOffset? RevokedAt);

/// <summary>A clinic's wording of one instrument in one language.</summary>
/// <param name="Items">One text per item, in the catalog's item order.</param>
/// <param name="Anchors">For an integer scale, a label for every value from the lowest to the highest; for a 0-10 scale, the labels of its two ends.</param>
public sealed record TextPackBody(
    string Instrument,
    string Language,
    string Title,
    string? Instructions,
    IReadOnlyList<string> Items,
    IReadOnlyList<ResponseAnchor> Anchors);

public sealed record TextPackResponse(string Instrument, string Language, FormWording Wording, DateTimeOffset UpdatedAt);

/// <summary>Which sites may frame the clinic's forms (CSP frame-ancestors) and where forms may send the browser back.</summary>
/// <param name="FrameAncestors">Origins such as <c>https://app.example.org</c>; empty: no site may frame the forms.</param>
/// <param name="ReturnOrigins">Origins a link's <c>returnUrl</c> may point to; empty: no return URL is accepted.</param>
public sealed record FormSettingsBody(IReadOnlyList<string> FrameAncestors, IReadOnlyList<string> ReturnOrigins);

public sealed record FormSettingsResponse(IReadOnlyList<string> FrameAncestors, IReadOnlyList<string> ReturnOrigins, DateTimeOffset? UpdatedAt);
