using System.Globalization;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Dashboard;

/// <summary>The inbox's filters as understood: unknown values fall back to "all", a bad page number to the first.</summary>
/// <param name="Status">One alert status, or null for "active": open alerts, with acknowledged ones beneath.</param>
public sealed record InboxFilter(string? Therapist, AlertKind? Kind, AlertStatus? Status, int Page)
{
    /// <summary>The status filter's value for open and acknowledged together (the default).</summary>
    public const string Active = "active";

    public string StatusName => Status?.StoredName() ?? Active;

    public static InboxFilter Parse(string? therapist, string? kind, string? status, string? page) => new(
        string.IsNullOrWhiteSpace(therapist) ? null : therapist,
        StoredNames.TryParse<AlertKind>(kind, out var k) ? k : null,
        StoredNames.TryParse<AlertStatus>(status, out var s) ? s : null,
        int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p : 1);

    /// <summary>The inbox with these filters, another status and page: the filters carry into every link.</summary>
    public string Link(AlertStatus? status, int page) => "/?" + string.Join("&", new[]
    {
        Therapist is null ? null : "therapist=" + Uri.EscapeDataString(Therapist),
        Kind is null ? null : "kind=" + Kind.Value.StoredName(),
        status is null ? null : "status=" + status.Value.StoredName(),
        page == 1 ? null : "page=" + page.ToString(CultureInfo.InvariantCulture),
    }.Where(x => x is not null));
}

public sealed record InboxCounts(int Open, int Acknowledged, int Repaired, int Unrepaired, int OpenRuptures);

/// <param name="Id">The section's element id (open-alerts, acknowledged-alerts...), which the browser tests look for.</param>
public sealed record AlertSection(string Id, string Title, int Total, IReadOnlyList<AlertResponse> Alerts);

/// <param name="AllAcknowledgedHref">When more acknowledged alerts exist than the preview shows, the link to all of them.</param>
/// <param name="ReturnUrl">Where an action on an alert comes back to: this very page.</param>
public sealed record InboxModel(
    InboxCounts Counts,
    IReadOnlyList<string> Therapists,
    InboxFilter Filter,
    AlertSection Primary,
    PagerModel? Pager,
    AlertSection? Acknowledged,
    string? AllAcknowledgedHref,
    string ReturnUrl);

/// <summary>
/// The alert inbox: counts, filters, and the alerts most severe first, newest first within a severity, a page at a
/// time so a clinic with thousands of open alerts gets a page as fast as one with ten.
/// </summary>
public static class InboxQuery
{
    public const int PageSize = 50;

    /// <summary>Acknowledged alerts shown under the open ones; the rest are one link away (status filter).</summary>
    public const int AcknowledgedPreview = 20;

    internal static async Task<InboxModel> LoadAsync(AllianceDbContext db, Guid clinicId, InboxFilter filter, string returnUrl, CancellationToken cancellationToken)
    {
        var all = db.Alerts.AsNoTracking().Where(a => a.ClinicId == clinicId);
        var counts = await all.GroupBy(a => 1).Select(g => new InboxCounts(
            g.Count(a => a.Status == AlertStatus.Open),
            g.Count(a => a.Status == AlertStatus.Acknowledged),
            g.Count(a => a.Kind == AlertKind.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == RuptureStatus.Repaired),
            g.Count(a => a.Kind == AlertKind.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == RuptureStatus.Unrepaired),
            g.Count(a => a.Kind == AlertKind.Rupture && a.Status != AlertStatus.Withdrawn && a.RuptureStatus == RuptureStatus.Open)))
            .SingleOrDefaultAsync(cancellationToken) ?? new InboxCounts(0, 0, 0, 0, 0);

        var filtered = all;
        if (filter.Kind is { } kind)
        {
            filtered = filtered.Where(a => a.Kind == kind);
        }

        if (filter.Therapist is not null)
        {
            filtered = filtered.Where(a => a.Patient!.Therapist != null && a.Patient.Therapist.ExternalId == filter.Therapist);
        }

        var therapists = await db.Therapists.AsNoTracking().Where(t => t.ClinicId == clinicId).OrderBy(t => t.ExternalId)
            .Select(t => t.ExternalId).ToListAsync(cancellationToken);

        var primaryStatus = filter.Status ?? AlertStatus.Open;
        var primaryQuery = filtered.Where(a => a.Status == primaryStatus);
        var primaryTotal = await primaryQuery.CountAsync(cancellationToken);
        var page = Math.Min(filter.Page, Math.Max(1, (primaryTotal + PageSize - 1) / PageSize));
        filter = filter with { Page = page };
        var title = primaryStatus.Label();
        var primary = new AlertSection(
            primaryStatus.StoredName() + "-alerts", title, primaryTotal, await PageAsync(primaryQuery, (page - 1) * PageSize, PageSize, cancellationToken));
        var pager = PagerModel.For(title.ToLowerInvariant() + " alerts", page, primaryTotal, PageSize, n => filter.Link(filter.Status, n));

        AlertSection? acknowledged = null;
        string? allAcknowledged = null;
        if (filter.Status is null)
        {
            var acknowledgedQuery = filtered.Where(a => a.Status == AlertStatus.Acknowledged);
            var acknowledgedTotal = await acknowledgedQuery.CountAsync(cancellationToken);
            acknowledged = new AlertSection(
                "acknowledged-alerts", "Acknowledged", acknowledgedTotal, await PageAsync(acknowledgedQuery, 0, AcknowledgedPreview, cancellationToken));
            allAcknowledged = acknowledgedTotal > acknowledged.Alerts.Count ? filter.Link(AlertStatus.Acknowledged, 1) : null;
        }

        return new InboxModel(counts, therapists, filter, primary, pager, acknowledged, allAcknowledged, returnUrl);
    }

    private static async Task<IReadOnlyList<AlertResponse>> PageAsync(IQueryable<Alert> query, int skip, int take, CancellationToken cancellationToken) =>
        (await query.Include(a => a.Patient).ThenInclude(p => p!.Therapist)
            .OrderByDescending(a => a.Severity).ThenByDescending(a => a.CreatedAt).ThenBy(a => a.Id)
            .Skip(skip).Take(take).ToListAsync(cancellationToken))
        .Select(AlertMapping.ToResponse).ToList();
}
