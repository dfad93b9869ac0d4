using AllianceMonitor.Analysis.Instruments;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// A link a client or therapist opens to fill in forms for one session. Only the SHA-256 of its token is stored, so
/// reading the table does not give anyone a working link; the URL itself names no patient or clinic.
/// </summary>
public sealed class FormLink
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public Guid ClinicId { get; init; }
    public Guid PatientId { get; init; }
    public Patient? Patient { get; init; }
    public int SessionNumber { get; init; }
    public Rater Rater { get; init; }

    /// <summary>The language of the wording, e.g. <c>en</c>; the text pack with this language is shown.</summary>
    public required string Language { get; init; }
    public required byte[] TokenHash { get; init; }

    /// <summary>The instruments in the order they are shown, each with its timing.</summary>
    public List<FormLinkInstrument> Instruments { get; init; } = [];

    /// <summary>Where to send the browser after submitting; checked against the clinic's return origins when the link was made.</summary>
    public string? ReturnUrl { get; init; }
    public Guid? CreatedByKeyId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Set once, by the submission that wrote the ratings: a link is single-use.</summary>
    public DateTimeOffset? SubmittedAt { get; set; }
}

/// <summary>One instrument of a <see cref="FormLink"/>, at its place in the order.</summary>
public sealed class FormLinkInstrument
{
    public int Position { get; init; }
    public required string Instrument { get; init; }
    public Timing Timing { get; init; }
}

/// <summary>
/// A clinic's wording of one instrument in one language: the licensed text it holds for a copyrighted measure
/// (WAI-SR, SRS), uploaded by its administrator. The service ships wording only for measures free to reproduce.
/// </summary>
public sealed class FormTextPack
{
    public Guid ClinicId { get; init; }
    public required string Instrument { get; init; }
    public required string Language { get; init; }
    public required FormWording Wording { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The text of a form: a title, an instruction, one text per item and the labelled response values.</summary>
/// <param name="Placeholder">True for the demo clinic's stand-in wording, which the form marks as not the real measure.</param>
public sealed record FormWording(string Title, string? Instructions, IReadOnlyList<string> Items, IReadOnlyList<ResponseAnchor> Anchors, bool Placeholder = false);

/// <summary>A response value and its label, e.g. 1 "Seldom"; on a 0-10 scale, the labels of its ends.</summary>
public sealed record ResponseAnchor(double Value, string Label);

/// <summary>Which sites may frame a clinic's form pages, and to which origins the form may send the browser back.</summary>
public sealed class FormSettings
{
    public Guid ClinicId { get; init; }
    public string[] FrameAncestors { get; set; } = [];
    public string[] ReturnOrigins { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}
