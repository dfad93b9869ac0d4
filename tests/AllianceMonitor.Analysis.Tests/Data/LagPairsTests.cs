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

    [Fact]
    public void Duplicate_session_among_ordered_rows_is_rejected()
    {
        SessionObservation[] rows = [new("a", null, 1, 4, 10), new("a", null, 2, 4, 10), new("a", null, 2, 3, 11), new("b", null, 1, 4, 10)];

        Assert.Throws<ArgumentException>(() => LagPairs.Build(rows));
    }

    /// <summary>
    /// Rows in patient and session order are paired as they stream past; every other order is joined through a
    /// dictionary. Both must give the same pairs in the same order.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Rows_in_order_and_in_any_order_give_the_same_pairs(int seed)
    {
        var random = new Random(seed);
        var inOrder = new List<SessionObservation>();
        foreach (var patient in Enumerable.Range(0, 40).Select(i => $"p{i}").Order(StringComparer.Ordinal))
        {
            // Sessions with gaps, so some rows pair and some do not.
            var session = 0;
            for (var k = 0; k < random.Next(1, 9); k++)
            {
                session += random.Next(1, 3);
                inOrder.Add(new SessionObservation(patient, null, session, random.Next(1, 6), random.Next(0, 28)));
            }
        }

        var patientsShuffled = inOrder.GroupBy(o => o.PatientId).OrderBy(_ => random.Next()).SelectMany(g => g).ToList();
        var shuffled = inOrder.OrderBy(_ => random.Next()).ToList();

        var expected = LagPairs.Build(shuffled).Select(Key).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, LagPairs.Build(inOrder).Select(Key));
        Assert.Equal(expected, LagPairs.Build(patientsShuffled).Select(Key));
        Assert.Equal(expected.OrderBy(k => k.Patient, StringComparer.Ordinal).ThenBy(k => k.Session), expected);
    }

    private static (string Patient, int Session, int Next) Key(LagPair pair) => (pair.Current.PatientId, pair.Current.Session, pair.Next.Session);
}
