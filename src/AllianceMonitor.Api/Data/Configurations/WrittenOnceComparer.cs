using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace AllianceMonitor.Api.Data.Configurations;

/// <summary>
/// Change tracking for a value that is written once with its row and never changed in place, such as a form's items and
/// subscales (a correction adds a revision; it never edits one): compared and snapshotted by reference. The structural
/// comparers EF builds for arrays and the one a dictionary needs copy and walk every tracked form's values on each save,
/// and their compiled lambdas allocate a delegate per call; a session PUT tracks a dozen forms.
/// </summary>
internal static class WrittenOnceComparer
{
    public static ValueComparer<T> For<T>()
        where T : class? =>
        new((a, b) => ReferenceEquals(a, b), v => RuntimeHelpers.GetHashCode(v), v => v);
}
