using System.Text.Json.Serialization;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Data;

namespace AllianceMonitor.Api.Forms;

/// <summary>Where a link stands. Stored nowhere: it follows from the link's times.</summary>
[JsonConverter(typeof(SnakeCaseEnumConverter<FormLinkState>))]
public enum FormLinkState
{
    Open,
    Submitted,
    Expired,
    Revoked,
}

public static class FormLinkStates
{
    public static FormLinkState Of(FormLink link, DateTimeOffset now) =>
        link.SubmittedAt is not null ? FormLinkState.Submitted
        : link.RevokedAt is not null ? FormLinkState.Revoked
        : now >= link.ExpiresAt ? FormLinkState.Expired
        : FormLinkState.Open;
}
