using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

/// <summary>The streamed refit's accumulator calibrates exactly as the whole-clinic path on the same ratings (issue 15).</summary>
public sealed class ClinicSeriesTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;

    public static TheoryData<int, ulong, bool> Clinics => new()
    {
        { 60, 1, false },
        { 250, 2, true },   // gaps: some sessions missing, some patients with one or two ratings
        { 40, 3, true },
        { 20, 4, false },   // below the minimum: the defaults, with the counts
        { 5000, 8, true },  // enough patients for the lines and the filter replay to run in parallel ranges
    };

    [Theory]
    [MemberData(nameof(Clinics))]
    public void The_folded_series_calibrates_exactly_as_the_observations_do(int patients, ulong seed, bool gaps)
    {
        var observations = Observations(patients, seed, gaps);
        var series = Fold(observations);
        var settings = DetectorSettings.Default;

        var streamed = series.Calibrate(WaiSr, 3, settings, -0.7);
        var whole = Calibration.FromRatings(WaiSr, observations, 3, settings, -0.7);

        Assert.Equal(whole, streamed); // record equality: every double bit for bit, the prediction model's too
        Assert.Equal(patients >= 30, !streamed.IsDefault);
        Assert.Equal(observations.Count, series.Ratings);
    }

    [Fact]
    public void The_observations_it_gives_back_are_those_folded_in_with_the_chosen_symptom_measure()
    {
        var observations = Observations(50, 5, gaps: true);
        var series = Fold(observations);

        Assert.Equal(observations, series.Observations("phq-9"));
        Assert.Equal(observations.Select(o => o with { Symptoms = null }), series.Observations(null));
        Assert.Equal(observations.Select(o => o with { Symptoms = null }), series.Observations("gad-7"));
        Assert.True(series.HasSymptoms("phq-9"));
        Assert.False(series.HasSymptoms("gad-7"));

        // So the symptom model the refit fits on them is the same fit.
        var model = ModelCatalog.AllianceToSymptoms;
        var fromList = MixedModelFitter.Fit(LaggedDesign.Build(observations, model), FitMethod.Reml);
        var fromView = MixedModelFitter.Fit(LaggedDesign.Build(series.Observations("phq-9"), model), FitMethod.Reml);
        Assert.Equal(fromList.Fixed(model.PredictorWithin).Estimate, fromView.Fixed(model.PredictorWithin).Estimate);
    }

    [Theory]
    [InlineData(60, 6UL, false, false)]
    [InlineData(250, 7UL, true, false)]
    [InlineData(120, 8UL, true, true)]    // patients added out of id order: pairs still come by id, means in the order added
    public void The_packed_symptom_design_is_the_lagged_design_of_the_observations(int patients, ulong seed, bool gaps, bool shuffled)
    {
        var observations = Observations(patients, seed, gaps);
        if (shuffled)
        {
            var rank = observations.Select(o => o.PatientId).Distinct().Select((p, i) => (p, i)).ToDictionary(x => x.p, x => (x.i * 7919) % 1000);
            observations = [.. observations.OrderBy(o => rank[o.PatientId]).ThenBy(o => o.Session)];
        }

        var series = Fold(observations);
        var model = ModelCatalog.AllianceToSymptoms;

        var packed = series.LaggedSymptomDesign("phq-9", model);
        var reference = LaggedDesign.Build(series.Observations("phq-9"), model);

        Assert.Equal(reference.ResponseName, packed.ResponseName);
        Assert.Equal(reference.FixedTerms, packed.FixedTerms);
        Assert.Equal(reference.Response.ToArray(), packed.Response.ToArray());
        for (var c = 0; c < reference.FixedTerms.Count; c++)
        {
            Assert.Equal(reference.FixedColumn(c).ToArray(), packed.FixedColumn(c).ToArray()); // every double bit for bit
        }

        var (expectedTerm, actualTerm) = (Assert.Single(reference.RandomEffects), Assert.Single(packed.RandomEffects));
        Assert.Equal(expectedTerm.Terms, actualTerm.Terms);
        Assert.Equal(expectedTerm.Levels, actualTerm.Levels);
        Assert.Equal(expectedTerm.GroupIndex.ToArray(), actualTerm.GroupIndex.ToArray());
        Assert.Equal(expectedTerm.Column(1).ToArray(), actualTerm.Column(1).ToArray());
        Assert.Equal(
            MixedModelFitter.Fit(reference, FitMethod.Reml).Fixed(model.PredictorWithin).Estimate,
            MixedModelFitter.Fit(packed, FitMethod.Reml).Fixed(model.PredictorWithin).Estimate);
    }

    [Fact]
    public void The_packed_symptom_design_refuses_too_few_pairs_as_the_lagged_design_does()
    {
        var series = Fold(Observations(2, 9, gaps: false));
        var model = ModelCatalog.AllianceToSymptoms;

        var expected = Assert.Throws<InsufficientDataException>(() => LaggedDesign.Build(series.Observations("phq-9"), model));
        var actual = Assert.Throws<InsufficientDataException>(() => series.LaggedSymptomDesign("phq-9", model));
        Assert.Equal(expected.Message, actual.Message);
        Assert.Throws<InsufficientDataException>(() => series.LaggedSymptomDesign("gad-7", model));
    }

    [Fact]
    public void A_patient_must_come_with_sessions_in_order_and_a_value_each()
    {
        var series = new ClinicSeries();
        Assert.Throws<ArgumentException>(() => series.AddPatient("p", [2, 1], [4.0, 4.1]));
        Assert.Throws<ArgumentException>(() => series.AddPatient("p", [1, 2], [4.0]));
        Assert.Throws<ArgumentException>(() => series.AddPatient("p", [1, 2], [4.0, 4.1], new Dictionary<string, double[]> { ["phq-9"] = [3] }));
        Assert.Equal(0, series.Ratings);
    }

    [Fact]
    public void Symptom_columns_packed_in_one_span_fold_in_as_the_dictionary_of_columns_does()
    {
        var observations = Observations(80, 10, gaps: true);
        var fromDictionary = Fold(observations);
        var fromSpans = new ClinicSeries();
        foreach (var patient in observations.GroupBy(o => o.PatientId, StringComparer.Ordinal))
        {
            var rows = patient.ToList();
            string[] measures = rows.Any(r => r.Symptoms.HasValue) ? ["gad-7", "phq-9"] : [];
            var columns = measures.Length == 0 ? [] : rows.Select(_ => 5.0).Concat(rows.Select(r => r.Symptoms ?? double.NaN)).ToArray();
            fromSpans.AddPatient(patient.Key, [.. rows.Select(r => r.Session)], [.. rows.Select(r => r.Alliance!.Value)], measures, columns);
        }

        Assert.Equal(fromDictionary.Observations("phq-9"), fromSpans.Observations("phq-9"));
        Assert.True(fromSpans.HasSymptoms("gad-7"));
        Assert.Equal(
            fromDictionary.LaggedSymptomDesign("phq-9", ModelCatalog.AllianceToSymptoms).Response.ToArray(),
            fromSpans.LaggedSymptomDesign("phq-9", ModelCatalog.AllianceToSymptoms).Response.ToArray());
        Assert.Equal(
            fromDictionary.Calibrate(WaiSr, 2, DetectorSettings.Default),
            fromSpans.Calibrate(WaiSr, 2, DetectorSettings.Default));
    }

    [Fact]
    public void Packed_symptom_columns_need_a_value_per_session_and_each_measure_once()
    {
        var series = new ClinicSeries();
        Assert.Throws<ArgumentException>(() => series.AddPatient("p", [1, 2], [4.0, 4.1], ["phq-9"], [3.0]));
        Assert.Throws<ArgumentException>(() => series.AddPatient("p", [1, 2], [4.0, 4.1], ["phq-9", "phq-9"], [3.0, 4.0, 3.0, 4.0]));
        Assert.Equal(0, series.Ratings);
        series.AddPatient("p", [1, 2], [4.0, 4.1], ["phq-9"], [3.0, 4.0]);
        Assert.Equal(2, series.Ratings);
    }

    /// <summary>Simulated WAI-SR item means with PHQ-9 totals; with gaps, about one session in five unrated, some patients stopping after two sessions, and every seventh symptom blank.</summary>
    private static List<SessionObservation> Observations(int patients, ulong seed, bool gaps) =>
        SessionSimulator.Simulate(patients, seed).Observations
            .Where(o => o.Alliance.HasValue && (!gaps || ((o.Session + o.PatientId[^1]) % 5 != 0 && (o.PatientId[^1] % 9 != 0 || o.Session <= 2))))
            .Select((o, i) => o with { TherapistId = null, Symptoms = gaps && i % 7 == 0 ? null : o.Symptoms })
            .ToList();

    private static ClinicSeries Fold(List<SessionObservation> observations)
    {
        var series = new ClinicSeries();
        foreach (var patient in observations.GroupBy(o => o.PatientId, StringComparer.Ordinal)) // in order of first appearance
        {
            var rows = patient.ToList();
            var symptoms = rows.Any(r => r.Symptoms.HasValue)
                ? new Dictionary<string, double[]> { ["phq-9"] = [.. rows.Select(r => r.Symptoms ?? double.NaN)] }
                : null;
            series.AddPatient(patient.Key, [.. rows.Select(r => r.Session)], [.. rows.Select(r => r.Alliance!.Value)], symptoms);
        }

        return series;
    }
}
