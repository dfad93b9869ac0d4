using System.Net.Http.Json;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Mixed;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Series;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>The refit that streams the clinic patient by patient equals the whole-clinic refit it replaced (issue 15).</summary>
public sealed class StreamedRefitTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData(45, 11UL, false)]
    [InlineData(160, 12UL, false)] // a few thousand sessions, read unordered and grouped by patient in the service
    [InlineData(50, 13UL, true)]   // some sessions rate both timings: the usual one counts, for alliance and symptoms alike
    public async Task The_streamed_refit_equals_the_whole_clinic_refit_on_the_same_data(int patients, ulong seed, bool bothTimings)
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var simulated = SessionSimulator.Simulate(patients, seed).Observations.Where(o => o.Alliance.HasValue).ToList();
        foreach (var (o, i) in simulated.Select((o, i) => (o, i)))
        {
            // Every ninth session without symptoms, so the symptom model sees gaps too.
            var alliance = (int)Math.Round(o.Alliance!.Value * 12);
            int? symptoms = i % 9 == 0 ? null : (int)Math.Clamp(Math.Round(o.Symptoms ?? 10), 0, 27);
            var body = bothTimings && i % 4 == 1 ? BothTimings(alliance, symptoms ?? 5) : Ratings.Session(alliance, symptoms);
            (await ingest.PutAsJsonAsync($"/api/v1/patients/{o.PatientId}/sessions/{o.Session}", body)).EnsureSuccessStatusCode();
        }

        // Corrections: the superseded revisions must stay out of both.
        foreach (var o in simulated.Where((_, i) => i % 23 == 0))
        {
            (await ingest.PutAsJsonAsync($"/api/v1/patients/{o.PatientId}/sessions/{o.Session}", Ratings.Session(30, 20))).EnsureSuccessStatusCode();
        }

        var reference = await WholeClinicRefitAsync(tenant.ClinicId);
        var streamed = await StreamedRefitAsync(tenant.ClinicId);

        var (expected, symptomInstrument) = Assert.Single(reference);
        var actual = Assert.Single(streamed);
        Assert.False(actual.IsDefault);
        Assert.NotNull(actual.SymptomEffectPerPoint);
        Assert.Equal(symptomInstrument, actual.SymptomInstrument);
        Assert.Equal(Fields(expected), Fields(actual)); // bit for bit, the prediction model included
    }

    /// <summary>
    /// The one deliberate difference: the old refit's <c>GetValueOrDefault</c> turned a session without a symptom score
    /// into a score of 0 (no symptoms at all), which biased the alliance-to-symptoms effect; the streamed read leaves it
    /// missing, as the export and the summary do.
    /// </summary>
    private static double? Symptom(Dictionary<(Guid, int), double>? symptoms, Guid patient, int session) =>
        symptoms is not null && symptoms.TryGetValue((patient, session), out var total) ? total : null;

    /// <summary>The WAI-SR after the session (its usual timing) and before it; the PHQ-9 before (usual) and after.</summary>
    private static object BothTimings(int alliance, int symptoms) => new
    {
        occurredOn = "2026-11-02",
        modality = "video",
        therapistId = "t-7",
        measurements = new object[]
        {
            new { instrument = "wai-sr", timing = "pre", items = Ratings.WaiSr(Math.Max(12, alliance - 7)) },
            new { instrument = "wai-sr", timing = "post", items = Ratings.WaiSr(alliance) },
            new { instrument = "phq-9", timing = "post", items = Ratings.Phq9(Math.Min(27, symptoms + 4)) },
            new { instrument = "phq-9", timing = "pre", items = Ratings.Phq9(symptoms) },
        },
    };

    private static object Fields(Calibration c) =>
        (c.Instrument, c.Version, c.IsDefault, c.GrandMean, c.BetweenVariance, c.WithinSd, c.LowAllianceThreshold, c.Patients, c.Ratings,
            c.SymptomEffectPerPoint, c.Model);

    private async Task<List<CalibrationRecord>> StreamedRefitAsync(Guid clinicId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UnitOfWork>().ExecuteAsync(
            () => scope.ServiceProvider.GetRequiredService<CalibrationStore>().RefitAsync(clinicId, CalibrationTrigger.Manual, CancellationToken.None),
            _ => StatusCodes.Status200OK,
            CancellationToken.None);
    }

    /// <summary>
    /// The refit as it was before issue 15: every rating of the clinic loaded, grouped in memory, the symptom measure
    /// looked up per (patient, session). Patients in id order, which the streamed read also uses (the old read took
    /// whatever order the database returned, so only this order makes "equal" well defined).
    /// </summary>
    private async Task<List<(Calibration Calibration, string? SymptomInstrument)>> WholeClinicRefitAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        var symptomCodes = InstrumentCatalog.Symptoms.Select(i => i.Code).ToArray();
        var rows = await AllianceSeries.LoadAsync(db, clinicId, null, [.. AllianceSeries.Instruments, .. symptomCodes], CancellationToken.None);
        var chosen = rows.Where(r => symptomCodes.Contains(r.Instrument) && r.Rater == Rater.Client).GroupBy(r => r.Instrument).MaxBy(g => g.Count());
        var symptoms = chosen?.GroupBy(r => (r.PatientId, r.Session))
            .ToDictionary(g => g.Key, g => g.MinBy(r => AllianceSeries.TimingRank(r.Instrument, r.Timing))!.Total);
        var results = new List<(Calibration, string?)>();
        foreach (var series in rows.Where(r => AllianceSeries.Instruments.Contains(r.Instrument)).GroupBy(r => (r.Instrument, r.Rater)))
        {
            var instrument = InstrumentCatalog.Find(series.Key.Instrument)!;
            var observations = AllianceSeries.Group(series).OrderBy(p => p.Key.Patient.ToString(), StringComparer.Ordinal)
                .SelectMany(p => p.Value.Select(s => new SessionObservation(
                    p.Key.Patient.ToString(), null, s.Session, s.Value, Symptom(symptoms, p.Key.Patient, s.Session))))
                .ToList();
            var model = ModelCatalog.AllianceToSymptoms;
            var effect = MixedModelFitter.Fit(LaggedDesign.Build(observations, model), FitMethod.Reml).Fixed(model.PredictorWithin).Estimate;
            results.Add((SafeCalibration.Fit(instrument, observations, 1, DetectorSettings.Default, effect).Calibration, chosen?.Key));
        }

        return results;
    }
}
