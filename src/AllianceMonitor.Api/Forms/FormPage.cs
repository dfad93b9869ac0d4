using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Api.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AllianceMonitor.Api.Forms;

/// <summary>What the form layout needs besides a page's content.</summary>
/// <param name="WhoSees">The plain sentence on every page about who will see the answers.</param>
public sealed record FormFrame(string Title, string Language, string WhoSees);

/// <summary>One step of a form: one instrument, its items, and the answers of earlier steps carried along in hidden fields.</summary>
/// <param name="Step">Zero-based.</param>
/// <param name="Answers">What was already chosen on this step (shown again when the step comes back with an error).</param>
public sealed record FormStepModel(
    int Step,
    int StepCount,
    int Position,
    InstrumentDefinition Instrument,
    FormWording Wording,
    IReadOnlyList<KeyValuePair<string, string>> Carried,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyList<int> Unanswered)
{
    public bool IsLast => Step == StepCount - 1;

    public static string FieldName(int position, int item) => $"a{position}_{item}";
}

/// <summary>A page that only says something: thanks, or why the form cannot be shown.</summary>
public sealed record FormMessageModel(string Heading, string Message, string MessageId);

/// <summary>
/// Renders a form page with its own security headers. Unlike the dashboard, a form may be framed, but only by the
/// origins its clinic configured; anything else, and every page of a link that cannot be shown, denies framing.
/// After a submission the browser may be sent to a return origin, so those origins are in form-action too.
/// </summary>
internal static class FormPage
{
    public static RazorComponentResult<TPage> Render<TPage, TModel>(
        HttpContext http, FormFrame frame, TModel model, FormSettings? settings, int status = StatusCodes.Status200OK)
        where TPage : FormPageBase<TModel>
    {
        var ancestors = settings?.FrameAncestors is { Length: > 0 } allowed ? string.Join(' ', allowed) : "'none'";
        var returns = settings?.ReturnOrigins is { Length: > 0 } origins ? " " + string.Join(' ', origins) : "";
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy =
            $"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'{returns}; frame-ancestors {ancestors}";
        if (ancestors == "'none'")
        {
            // For browsers that predate frame-ancestors; a browser that knows it ignores this header when the policy has it.
            headers.XFrameOptions = "DENY";
        }

        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        var parameters = new Dictionary<string, object?>
        {
            [nameof(FormPageBase<TModel>.Frame)] = frame,
            [nameof(FormPageBase<TModel>.Model)] = model,
        };
        return new RazorComponentResult<TPage>(parameters) { StatusCode = status, PreventStreamingRendering = true };
    }
}

/// <summary>A form page: the layout's frame and the page's view model, both filled before rendering.</summary>
public abstract class FormPageBase<TModel> : ComponentBase
{
    [Parameter, EditorRequired]
    public FormFrame Frame { get; set; } = null!;

    [Parameter, EditorRequired]
    public TModel Model { get; set; } = default!;
}
