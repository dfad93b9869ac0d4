using FluentValidation;

namespace AllianceMonitor.Api.Infrastructure;

/// <summary>Bounds on list pages, so the row offset (page - 1) x pageSize always fits the database's integer.</summary>
public static class Paging
{
    /// <summary>Far beyond any real list at the largest page size, and 200 x 1,000,000 still fits an int.</summary>
    public const int MaxPage = 1_000_000;

    public static IRuleBuilderOptions<T, int?> ValidPage<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(1, MaxPage).WithMessage($"must be from 1 to {MaxPage}");
}
