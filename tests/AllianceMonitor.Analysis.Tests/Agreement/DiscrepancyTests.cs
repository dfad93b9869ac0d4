using AllianceMonitor.Analysis.Agreement;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Agreement;

public sealed class DiscrepancyTests
{
    [Fact]
    public void Only_sessions_rated_by_both_are_pairs_in_session_order()
    {
        var client = new[] { new RatedSession(5, 4.0), new RatedSession(1, 4.5), new RatedSession(2, 4.2), new RatedSession(3, 3.9) };
        var therapist = new[] { new RatedSession(2, 3.8), new RatedSession(3, 3.9), new RatedSession(4, 4.0), new RatedSession(5, 3.5) };

        var pairs = Discrepancy.Pair(client, therapist);

        Assert.Equal([new PairedRating(2, 4.2, 3.8), new PairedRating(3, 3.9, 3.9), new PairedRating(5, 4.0, 3.5)], pairs);
    }

    [Fact]
    public void The_discrepancy_is_therapist_minus_client_in_points_and_in_within_patient_sds()
    {
        var d = Discrepancy.Of(new PairedRating(4, 4.5, 4.0), withinSd: 0.25);

        Assert.Equal((4, -0.5), (d.Session, d.Points));
        Assert.Equal(-2.0, d.WithinSds!.Value, 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.3)]
    [InlineData(double.NaN)]
    public void Without_a_positive_within_sd_there_is_no_discrepancy_in_sds(double withinSd)
    {
        var d = Discrepancy.Of(new PairedRating(1, 4.5, 4.0), withinSd);

        Assert.Equal(-0.5, d.Points);
        Assert.Null(d.WithinSds);
    }
}
