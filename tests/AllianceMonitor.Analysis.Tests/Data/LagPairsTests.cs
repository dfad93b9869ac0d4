using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Analysis.Tests.Data;

public sealed class LagPairsTests
{
    [Fact]
    public void Pairs_join_session_t_to_t_plus_one_and_skip_gaps()
    {
        SessionObservation[] rows =
        [
            new("a", null, 3, 4, 10),
            new("a", null, 1, 4, 10),
            new("a", null, 2, 4, 10),
            new("a", null, 5, 4, 10),
            new("b", null, 1, 4, 10),
        ];

        var pairs = LagPairs.Build(rows).Select(p => (p.Current.PatientId, p.Current.Session, p.Next.Session)).ToArray();

        Assert.Equal([("a", 1, 2), ("a", 2, 3)], pairs);
    }

    [Fact]
    public void Duplicate_session_is_rejected()
    {
        SessionObservation[] rows = [new("a", null, 1, 4, 10), new("a", null, 1, 3, 11)];

        Assert.Throws<ArgumentException>(() => LagPairs.Build(rows));
    }
}
