namespace AllianceMonitor.Api.Dashboard;

/// <param name="ReturnUrl">Where to go once signed in (already checked to be a local path).</param>
public sealed record LoginModel(string ReturnUrl, string? Notice, string? Error);

/// <summary>A page that only says something: an action not done, a patient not found, too many sign-in attempts.</summary>
/// <param name="IsAlert">Announced at once by screen readers (role="alert"): the user's action failed.</param>
/// <param name="MessageId">An element id for the message, where a test or a script needs to find it.</param>
public sealed record MessageModel(string Heading, string Message, bool IsAlert, string? MessageId, string BackHref, string BackLabel);
