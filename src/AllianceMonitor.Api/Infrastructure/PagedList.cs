namespace AllianceMonitor.Api.Infrastructure;

/// <summary>One page of a list and how many items the whole list has.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);
