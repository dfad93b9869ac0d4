using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Change;

/// <summary>
/// Every instrument with a reliable-change value, on both sides of each boundary: a change of exactly the value is
/// reliable and one step less is not; the cut-off itself is on the clinical side for higher-is-worse scales and on
/// the non-clinical side for higher-is-better ones.
/// </summary>
public sealed class ReliableChangeClassifierTests
{
    public static TheoryData<string, double, double, ChangeStatus> Boundaries => new()
    {
        // PHQ-9: reliable change 6 points or more, a case at 10 or more.
        { "phq-9", 15, 9, ChangeStatus.Recovered },
        { "phq-9", 15, 10, ChangeStatus.NoReliableChange },
        { "phq-9", 16, 10, ChangeStatus.ReliablyImproved },
        { "phq-9", 8, 2, ChangeStatus.ReliablyImproved },
        { "phq-9", 4, 10, ChangeStatus.ReliablyDeteriorated },
        { "phq-9", 4, 9, ChangeStatus.NoReliableChange },
        // GAD-7: 4 points or more, a case at 8 or more.
        { "gad-7", 11, 7, ChangeStatus.Recovered },
        { "gad-7", 11, 8, ChangeStatus.NoReliableChange },
        { "gad-7", 12, 8, ChangeStatus.ReliablyImproved },
        { "gad-7", 3, 7, ChangeStatus.ReliablyDeteriorated },
        { "gad-7", 3, 6, ChangeStatus.NoReliableChange },
        // WHO-5 (raw; higher is better): 10 percentage points = 2.5 raw, so 3 raw (12%) is reliable and 2 (8%) is not;
        // raw 12 (48%) is poor well-being, raw 13 (52%) is not.
        { "who-5", 10, 13, ChangeStatus.Recovered },
        { "who-5", 10, 12, ChangeStatus.NoReliableChange },
        { "who-5", 9, 12, ChangeStatus.ReliablyImproved },
        { "who-5", 20, 17, ChangeStatus.ReliablyDeteriorated },
        { "who-5", 20, 18, ChangeStatus.NoReliableChange },
        // ORS (higher is better, one-decimal items): 5 points or more; below 25 is clinical, 25 itself is not.
        { "ors", 20.1, 25.1, ChangeStatus.Recovered },
        { "ors", 20.0, 25.0, ChangeStatus.Recovered },
        { "ors", 20.1, 25.0, ChangeStatus.NoReliableChange },
        { "ors", 19.9, 24.9, ChangeStatus.ReliablyImproved },
        { "ors", 30.3, 25.3, ChangeStatus.ReliablyDeteriorated },
        { "ors", 30.3, 25.4, ChangeStatus.NoReliableChange },
        // CORE-10: 6 points or more (Barkham et al. 2013, 90% CI), 11 or more is clinical.
        { "core-10", 16, 10, ChangeStatus.Recovered },
        { "core-10", 16, 11, ChangeStatus.NoReliableChange },
        { "core-10", 17, 11, ChangeStatus.ReliablyImproved },
        { "core-10", 5, 11, ChangeStatus.ReliablyDeteriorated },
        { "core-10", 5, 10, ChangeStatus.NoReliableChange },
        // OQ-45: 14 points or more, 64 or more is clinical (cut-off 63/64).
        { "oq-45", 77, 63, ChangeStatus.Recovered },
        { "oq-45", 77, 64, ChangeStatus.NoReliableChange },
        { "oq-45", 78, 64, ChangeStatus.ReliablyImproved },
        { "oq-45", 40, 54, ChangeStatus.ReliablyDeteriorated },
        { "oq-45", 40, 53, ChangeStatus.NoReliableChange },
    };

    [Theory]
    [MemberData(nameof(Boundaries))]
    public void Classifies_each_boundary_on_both_sides(string code, double first, double current, ChangeStatus expected)
    {
        var assessment = ReliableChangeClassifier.Classify(InstrumentCatalog.Find(code)!, new RatedSession(1, first), new RatedSession(5, current));

        Assert.Equal(expected, assessment!.Status);
        Assert.Equal(current - first, assessment.Change, 9);
    }

    [Fact]
    public void Every_instrument_with_values_is_covered_by_the_boundary_cases()
    {
        var covered = Boundaries.Select(row => (string)row[0]).ToHashSet();

        Assert.Equal(InstrumentCatalog.WithReliableChange.Select(i => i.Code).Order(), covered.Order());
    }

    [Fact]
    public void Every_value_names_its_source()
    {
        foreach (var instrument in InstrumentCatalog.All.Where(i => i.MeasuresOutcome))
        {
            Assert.Equal(instrument.ReliableChange is null, instrument.ReliableChangeSource is null);
            Assert.Equal(instrument.ClinicalCutoff is null, instrument.ClinicalCutoffSource is null);
        }
    }

    [Fact]
    public void Direction_decides_which_way_is_better()
    {
        var phq = ReliableChangeClassifier.Classify(InstrumentCatalog.Find("phq-9")!, new RatedSession(1, 5), new RatedSession(2, 12))!;
        var who = ReliableChangeClassifier.Classify(InstrumentCatalog.Find("who-5")!, new RatedSession(1, 5), new RatedSession(2, 12))!;

        Assert.Equal((7, -7), (phq.Change, phq.Improvement));
        Assert.Equal(ChangeStatus.ReliablyDeteriorated, phq.Status);
        Assert.Equal((7, 7), (who.Change, who.Improvement));
        Assert.Equal(ChangeStatus.ReliablyImproved, who.Status);
    }

    [Fact]
    public void Alliance_measures_have_no_change_status()
    {
        Assert.Null(ReliableChangeClassifier.Classify(InstrumentCatalog.Find("wai-sr")!, new RatedSession(1, 4), new RatedSession(2, 2)));
        Assert.Null(ReliableChangeClassifier.Classify(InstrumentCatalog.Find("srs")!, new RatedSession(1, 38), new RatedSession(2, 20)));
    }

    [Fact]
    public void Latest_compares_the_last_session_with_the_first_and_needs_two()
    {
        var phq = InstrumentCatalog.Find("phq-9")!;

        Assert.Null(ReliableChangeClassifier.Latest(phq, [new RatedSession(1, 15)]));
        var latest = ReliableChangeClassifier.Latest(phq, [new RatedSession(1, 15), new RatedSession(2, 25), new RatedSession(4, 8)])!;
        Assert.Equal((1, 4, ChangeStatus.Recovered), (latest.FirstSession, latest.Session, latest.Status));
    }
}
