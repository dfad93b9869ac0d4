using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Analysis.Tests.Data;

public sealed class PersonMeanDecompositionTests
{
    private static readonly SessionObservation[] Rows =
    [
        new("a", null, 1, 4.0, 10),
        new("a", null, 2, null, 12),
        new("a", null, 3, 5.0, 8),
        new("b", null, 1, 2.0, null),
        new("c", null, 1, null, 20),
    ];

    [Fact]
    public void Person_mean_uses_only_present_values()
    {
        var alliance = PersonMeanDecomposition.Of(Rows, r => r.Alliance);

        Assert.Equal(4.5, alliance.PersonMeans["a"]);
        Assert.Equal(2.0, alliance.PersonMeans["b"]);
        Assert.False(alliance.PersonMeans.ContainsKey("c"));
    }

    [Fact]
    public void Grand_mean_weights_each_patient_once()
    {
        // Patient a has two ratings, b one: the mean of person means is (4.5 + 2) / 2, not (4 + 5 + 2) / 3.
        var alliance = PersonMeanDecomposition.Of(Rows, r => r.Alliance);

        Assert.Equal(3.25, alliance.GrandMean);
        Assert.Equal(1.25, alliance.Between("a"));
        Assert.Equal(-1.25, alliance.Between("b"));
        Assert.Null(alliance.Between("c"));
    }

    [Fact]
    public void Within_is_value_minus_person_mean_and_missing_stays_missing()
    {
        var alliance = PersonMeanDecomposition.Of(Rows, r => r.Alliance);

        Assert.Equal(-0.5, alliance.Within("a", 4.0));
        Assert.Equal(0.5, alliance.Within("a", 5.0));
        Assert.Null(alliance.Within("a", null));
        Assert.Null(alliance.Within("c", 3.0));
    }
}
