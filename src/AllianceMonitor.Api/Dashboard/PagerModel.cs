namespace AllianceMonitor.Api.Dashboard;

/// <summary>Previous and next links around "51–100 of 1653"; none when everything fits on one page.</summary>
public sealed record PagerModel(string What, int First, int Last, int Total, string? PreviousHref, string? NextHref)
{
    public static PagerModel? For(string what, int page, int total, int pageSize, Func<int, string> href)
    {
        if (total <= pageSize)
        {
            return null;
        }

        var lastPage = (total + pageSize - 1) / pageSize;
        return new PagerModel(
            what, ((page - 1) * pageSize) + 1, Math.Min(total, page * pageSize), total,
            page > 1 ? href(page - 1) : null,
            page < lastPage ? href(page + 1) : null);
    }
}
