using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Inference;

/// <summary>What is left out below the minimum pairs per modality and the minimum number of therapists.</summary>
public sealed class EffectsSuppressionTests
{
    private static ObservationFile Read(string file)
    {
        using var reader = new StreamReader(Lme4Fixture.PathOf(file));
        return CsvObservationReader.ReadWithModality(reader, file);
    }

    [Fact]
    public void A_modality_below_the_minimum_pairs_is_dropped_from_every_fit_and_listed()
    {
        // modality_singular.csv: video 140, phone 91, in_person 33 complete pairs.
        var data = Read("modality_singular.csv");
        var all = ModalityModeration.Fit(data.Observations, o => data.Modality![o], ModelCatalog.AllianceToSymptoms, minPairsPerLevel: 0);
        var result = ModalityModeration.Fit(data.Observations, o => data.Modality![o], ModelCatalog.AllianceToSymptoms);

        Assert.Equal(50, ModalityModeration.DefaultMinPairsPerLevel);
        Assert.Equal(50, result.MinPairsPerLevel);
        Assert.Equal(["video", "phone"], result.Effects.Select(e => e.Modality));
        var dropped = Assert.Single(result.Suppressed);
        Assert.Equal(new SuppressedModality("in_person", 33, 50), dropped);
        Assert.Equal(all.Fit.ObservationCount - 33, result.Fit.ObservationCount);
        Assert.DoesNotContain(result.Fit.FixedEffects, f => f.Term.Contains("in_person", StringComparison.Ordinal));
        var contrast = Assert.Single(result.Contrasts);
        Assert.Equal(("phone", "video"), (contrast.Level, contrast.Versus));
        Assert.Equal(contrast.PValue, contrast.AdjustedPValue, 15); // one comparison: nothing to adjust
        Assert.Equal(1, result.OverallTest!.Df);
        Assert.Equal(result.Fit.ObservationCount, result.Effects.Sum(e => e.Pairs));
    }

    [Fact]
    public void With_one_level_left_there_is_no_test_and_with_none_the_fit_is_refused()
    {
        var data = Read("modality_singular.csv");

        var one = ModalityModeration.Fit(data.Observations, o => data.Modality![o], ModelCatalog.AllianceToSymptoms, minPairsPerLevel: 100);
        Assert.Equal("video", Assert.Single(one.Effects).Modality);
        Assert.Empty(one.Contrasts);
        Assert.Null(one.OverallTest);
        Assert.Equal(["phone", "in_person"], one.Suppressed.Select(s => s.Modality));

        var e = Assert.Throws<InsufficientDataException>(() =>
            ModalityModeration.Fit(data.Observations, o => data.Modality![o], ModelCatalog.AllianceToSymptoms, minPairsPerLevel: 141));
        Assert.Contains("at least 141", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Therapist_shares_need_the_minimum_number_of_therapists()
    {
        var rows = Read("therapists.csv").Observations; // 12 therapists

        Assert.Equal(10, TherapistShare.DefaultMinTherapists);
        var e = Assert.Throws<InsufficientDataException>(() => TherapistShare.Estimate(rows, ShareMeasure.Alliance, minTherapists: 13));
        Assert.Contains("at least 13 therapists", e.Message, StringComparison.Ordinal);
        Assert.Contains("12 therapists", e.Message, StringComparison.Ordinal);
        var estimate = TherapistShare.Estimate(rows, ShareMeasure.Symptoms, minTherapists: 12);
        Assert.Equal(12, estimate.Summary.Therapists);
        Assert.InRange(estimate.Summary.TherapistShare, estimate.ShareInterval.Low, estimate.ShareInterval.High);

        // With 2 therapists the share is refused even when the setting allows it: 3 is the floor.
        var two = rows.Where(r => r.TherapistId is "T0001" or "T0002").ToList();
        Assert.Throws<InsufficientDataException>(() => TherapistShare.Estimate(two, ShareMeasure.Alliance, minTherapists: 0));
    }

    [Fact]
    public void A_profile_interval_contains_the_estimate_and_widens_with_fewer_therapists()
    {
        var rows = Read("therapists.csv").Observations;
        var all = TherapistShare.Estimate(rows, ShareMeasure.Symptoms);
        var therapists = rows.Select(r => r.TherapistId).Distinct().Order().Take(6).ToHashSet();
        var few = TherapistShare.Estimate(rows.Where(r => therapists.Contains(r.TherapistId)).ToList(), ShareMeasure.Symptoms, minTherapists: 6);

        Assert.InRange(all.Summary.TherapistShare, all.ShareInterval.Low, all.ShareInterval.High);
        Assert.InRange(few.Summary.TherapistShare, few.ShareInterval.Low, few.ShareInterval.High);
        Assert.True(few.ShareInterval.High - few.ShareInterval.Low > all.ShareInterval.High - all.ShareInterval.Low);
    }
}
