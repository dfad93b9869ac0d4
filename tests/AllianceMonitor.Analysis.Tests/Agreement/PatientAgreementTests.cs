using AllianceMonitor.Analysis.Agreement;

namespace AllianceMonitor.Analysis.Tests.Agreement;

public sealed class PatientAgreementTests
{
    private static List<PairedRating> Pairs(params (double Client, double Therapist)[] ratings) =>
        ratings.Select((r, i) => new PairedRating(i + 1, r.Client, r.Therapist)).ToList();

    [Fact]
    public void Five_pairs_give_the_mean_discrepancy_and_the_correlation_computed_by_hand()
    {
        // Discrepancies -0.5, -0.5, 0, 0, -0.5: mean -0.3. Deviations from the means 4.1 and 3.8 give a cross-product
        // sum of 1.60 and sums of squares 2.20 and 1.30: r = 1.6 / sqrt(2.86) = 0.946100...
        var agreement = PatientAgreementCalculator.Compute(Pairs((4, 3.5), (4.5, 4), (3, 3), (4, 4), (5, 4.5)), withinSd: 0.3);

        Assert.Equal(5, agreement.Pairs);
        Assert.Equal(-0.3, agreement.MeanDiscrepancy!.Value, 12);
        Assert.Equal(-1.0, agreement.MeanDiscrepancySds!.Value, 12);
        Assert.Equal(0.946100, agreement.WithinCorrelation!.Value, 6);
        Assert.Null(agreement.CorrelationNote);
    }

    [Fact]
    public void Four_pairs_give_the_mean_but_no_correlation()
    {
        var agreement = PatientAgreementCalculator.Compute(Pairs((4, 3.5), (4.5, 4), (3, 3), (4, 4)), withinSd: 0.3);

        Assert.Equal(4, PatientAgreementCalculator.MinPairsForCorrelation - 1);
        Assert.Equal(-0.25, agreement.MeanDiscrepancy!.Value, 12);
        Assert.Null(agreement.WithinCorrelation);
        Assert.Equal("fewer than 5 sessions rated by both", agreement.CorrelationNote);
    }

    [Fact]
    public void A_therapist_rating_that_never_moves_has_no_correlation()
    {
        var agreement = PatientAgreementCalculator.Compute(Pairs((4, 4), (4.5, 4), (3, 4), (4, 4), (5, 4)), withinSd: 0.3);

        Assert.Equal(-0.1, agreement.MeanDiscrepancy!.Value, 12);
        Assert.Null(agreement.WithinCorrelation);
        Assert.Equal("the therapist's rating did not vary", agreement.CorrelationNote);
    }

    [Fact]
    public void A_client_rating_that_never_moves_has_no_correlation()
    {
        var agreement = PatientAgreementCalculator.Compute(Pairs((5, 4), (5, 4.5), (5, 3), (5, 4), (5, 5)), withinSd: 0.3);

        Assert.Null(agreement.WithinCorrelation);
        Assert.Equal("the client's rating did not vary", agreement.CorrelationNote);
    }

    [Fact]
    public void Series_in_lockstep_correlate_one_and_mirror_images_minus_one()
    {
        var same = PatientAgreementCalculator.Compute(Pairs((4, 3.5), (4.5, 4), (3, 2.5), (4, 3.5), (5, 4.5)), withinSd: 0.3);
        var mirrored = PatientAgreementCalculator.Compute(Pairs((4, 4), (4.5, 3.5), (3, 5), (4, 4), (5, 3)), withinSd: 0.3);

        Assert.Equal(1.0, same.WithinCorrelation!.Value, 12);
        Assert.Equal(-0.5, same.MeanDiscrepancy!.Value, 12);
        Assert.Equal(-1.0, mirrored.WithinCorrelation!.Value, 12);
    }

    [Fact]
    public void Without_pairs_there_is_nothing_to_report()
    {
        var agreement = PatientAgreementCalculator.Compute([], withinSd: 0.3);

        Assert.Equal(new PatientAgreement(0, null, null, null, "no session rated by both client and therapist"), agreement);
    }
}
