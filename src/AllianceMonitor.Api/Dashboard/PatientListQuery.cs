using System.Globalization;
using AllianceMonitor.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Dashboard;

/// <param name="Active">Alerts needing attention: open or acknowledged.</param>
public sealed record PatientRow(string Id, string? Therapist, int Sessions, DateOnly? LastSession, int Active);

/// <param name="Search">The id prefix searched for, if any.</param>
public sealed record PatientListModel(string? Search, int Total, IReadOnlyList<PatientRow> Patients, PagerModel? Pager);

/// <summary>The clinic's patients, a page at a time and searchable by the start of their id.</summary>
public static class PatientListQuery
{
    public const int PageSize = 100;

    internal static async Task<PatientListModel> LoadAsync(AllianceDbContext db, Guid clinicId, string? q, string? page, CancellationToken cancellationToken)
    {
        var search = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        var pageNumber = int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

        var query = db.Patients.AsNoTracking().Where(p => p.ClinicId == clinicId);
        if (search is not null)
        {
            // A prefix match on the pseudonymous id: platform ids are opaque codes, so "starts with" is what staff type.
            query = query.Where(p => p.ExternalId.StartsWith(search));
        }

        var total = await query.CountAsync(cancellationToken);
        pageNumber = Math.Min(pageNumber, Math.Max(1, (total + PageSize - 1) / PageSize));
        var patients = await query.OrderBy(p => p.ExternalId).Skip((pageNumber - 1) * PageSize).Take(PageSize)
            .Select(p => new PatientRow(
                p.ExternalId,
                p.Therapist == null ? null : p.Therapist.ExternalId,
                p.Sessions.Count,
                p.Sessions.Max(s => s.OccurredOn),
                db.Alerts.Count(a => a.PatientId == p.Id && (a.Status == AlertStatus.Open || a.Status == AlertStatus.Acknowledged))))
            .ToListAsync(cancellationToken);

        var pager = PagerModel.For("patients", pageNumber, total, PageSize, n => "/patients?" + string.Join("&", new[]
        {
            search is null ? null : "q=" + Uri.EscapeDataString(search),
            "page=" + n.ToString(CultureInfo.InvariantCulture),
        }.Where(x => x is not null)));
        return new PatientListModel(search, total, patients, pager);
    }
}
