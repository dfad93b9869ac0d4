using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AllianceMonitor.Api.OpenApi;

/// <summary>The document's front matter: title, licence, a description of every tag, and server URLs without a trailing slash.</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    /// <summary>What each tag is for, in the words of the reader who uses it.</summary>
    public static readonly IReadOnlyDictionary<string, string> TagDescriptions = new Dictionary<string, string>
    {
        ["Clinics"] = "Clinics, their API keys (an administrator issues one key per role) and their rupture-detection settings.",
        ["Patients"] = "Pseudonymous patients of a clinic: their therapist, sessions with computed scores, and alliance trajectory.",
        ["Sessions"] = "Session ratings as a platform sends them (PUT is idempotent; a changed form adds a revision).",
        ["Alerts"] = "Alliance rupture and low-alliance alerts for clinicians, and their acknowledge and resolve workflow.",
        ["Webhooks"] = "Signed webhook subscriptions that push alert events to a platform, with their delivery log.",
        ["Forms"] = "Form links a client or therapist opens to fill in measures for a session, the clinic's licensed wording (text packs), and the origins allowed to embed forms and receive the browser back.",
        ["Export"] = "Pseudonymised research export of every patient-session (CSV or JSON lines) and its codebook.",
        ["Analysis"] = "The clinic's calibration of the rupture detector and the lagged multilevel models on its data.",
        ["Health"] = "Liveness and readiness probes for the operator's orchestrator.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "AllianceMonitor API";
        document.Info.Description =
            "Session-by-session monitoring of the therapeutic alliance. Every error is RFC 9457 problem+json naming the field and the rule.";
        document.Info.License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://spdx.org/licenses/MIT.html") };

        // The generator writes the request's base address with its trailing slash; joined with "/api/v1/..." that
        // gives a double slash, and linters reject it.
        foreach (var server in document.Servers ?? [])
        {
            if (server.Url is { Length: > 1 } url && url.EndsWith('/'))
            {
                server.Url = url.TrimEnd('/');
            }
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        return Task.CompletedTask;
    }
}
