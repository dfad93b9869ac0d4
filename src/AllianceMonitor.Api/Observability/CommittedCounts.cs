using System.Diagnostics.Metrics;
using AllianceMonitor.Api.Infrastructure;

namespace AllianceMonitor.Api.Observability;

/// <summary>
/// Counter increments that describe a unit of work's writes, held until it commits. Counted as they happen, a unit of
/// work rolled back (an import chunk the database refused, then written line by line) would count its sessions and
/// alerts twice, and a failed PUT would count what was never stored.
/// </summary>
public sealed class CommittedCounts : IUnitOfWorkParticipant
{
    private readonly List<(Counter<long> Counter, KeyValuePair<string, object?> Tag)> _pending = [];

    public void Add(Counter<long> counter, string tag, string value) => _pending.Add((counter, new(tag, value)));

    void IUnitOfWorkParticipant.Committed()
    {
        foreach (var (counter, tag) in _pending)
        {
            counter.Add(1, tag);
        }

        _pending.Clear();
    }

    void IUnitOfWorkParticipant.RolledBack() => _pending.Clear();
}
