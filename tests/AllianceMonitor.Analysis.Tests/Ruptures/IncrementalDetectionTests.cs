using System.Text.Json;
using System.Text.Json.Serialization;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

/// <summary>
/// Incremental detection equals full replay: over seeded random histories (0-60 sessions, gaps in the session numbers,
/// ratings at the scale maximum, dips deep enough for one- and two-session ruptures, repairs and unrepaired ones),
/// resuming the stored state after any session k (through its JSON, as the service stores it) gives bit for bit the
/// judgements, the alerts that can change and the state of a full replay; and after a correction of an earlier
/// session, resuming from the state stored before the corrected session equals a full replay of the corrected history.
/// </summary>
public sealed class IncrementalDetectionTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private static readonly InstrumentDefinition Srs = InstrumentCatalog.Find("srs")!;
    private static readonly InstrumentDefinition Phq9 = InstrumentCatalog.Find("phq-9")!;

    // Doubles as their shortest round-trip text: two values print alike exactly when their bits agree (-0 included).
    private static readonly JsonSerializerOptions Bits = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string Exact<T>(T value) => JsonSerializer.Serialize(value, Bits);

    [Fact]
    public void Resuming_the_state_after_any_session_equals_a_full_replay()
    {
        var random = new Random(20261202);
        var (cases, resumes, alertsSeen, openCarried) = (0, 0, 0, 0);
        for (var c = 0; c < 300; c++)
        {
            var (instrument, calibration, settings) = Setup(random);
            var history = History(random, instrument, random.Next(0, 61));
            var full = RuptureDetector.Run(history, instrument, calibration, settings);
            var (_, fullState) = RuptureDetector.Resume(DetectorState.Start(instrument, calibration, settings), history, instrument, calibration, settings);
            alertsSeen += full.Alerts.Count;
            cases++;

            for (var k = 0; k <= history.Count; k++)
            {
                var (prefix, stored) = RuptureDetector.Resume(DetectorState.Start(instrument, calibration, settings), history.Take(k), instrument, calibration, settings);
                var restored = DetectorState.FromJson(stored.ToJson());
                Assert.Equal(stored.ToJson(), restored.ToJson());

                var (later, state) = RuptureDetector.Resume(restored, history.Skip(k), instrument, calibration, settings);
                AssertEqualsFullReplay(full, fullState, prefix, stored, later, state, history.Skip(k).Select(h => h.Session).FirstOrDefault(int.MaxValue));
                resumes++;
                openCarried += stored.Open is null ? 0 : 1;
            }
        }

        // The generator reaches the cases that matter: alerts, and states resumed with a rupture open.
        Assert.True(alertsSeen > 150, $"only {alertsSeen} alerts in {cases} histories");
        Assert.True(openCarried > 100, $"only {openCarried} of {resumes} resumed states carried an open rupture");
    }

    [Fact]
    public void After_a_correction_resuming_from_the_state_before_the_corrected_session_equals_a_full_replay()
    {
        var random = new Random(17);
        var changedAlerts = 0;
        for (var c = 0; c < 400; c++)
        {
            var (instrument, calibration, settings) = Setup(random);
            var history = History(random, instrument, random.Next(1, 61));
            var corrected = Correct(random, instrument, history, out var changed);
            var full = RuptureDetector.Run(corrected, instrument, calibration, settings);
            var (_, fullState) = RuptureDetector.Resume(DetectorState.Start(instrument, calibration, settings), corrected, instrument, calibration, settings);

            // The state stored when the series was the uncorrected one, after its last session before the correction.
            var (prefix, stored) = RuptureDetector.Resume(
                DetectorState.Start(instrument, calibration, settings), history.Where(h => h.Session < changed), instrument, calibration, settings);
            var (later, state) = RuptureDetector.Resume(
                DetectorState.FromJson(stored.ToJson()), corrected.Where(h => h.Session >= changed), instrument, calibration, settings);

            AssertEqualsFullReplay(full, fullState, prefix, stored, later, state, changed);
            changedAlerts += Exact(RuptureDetector.Replay(history, instrument, calibration, settings)) == Exact(full.Alerts) ? 0 : 1;
        }

        Assert.True(changedAlerts > 30, $"only {changedAlerts} corrections changed the alerts");
    }

    [Fact]
    public void The_low_alliance_level_from_a_running_sum_is_the_mean_of_the_values_bit_for_bit()
    {
        var random = new Random(5);
        var calibration = Calibration.Default(Srs);
        for (var c = 0; c < 2000; c++)
        {
            var values = Enumerable.Range(0, random.Next(1, 61)).Select(_ => Math.Round(random.NextDouble() * 400) / 10).ToList();
            var sum = 0.0;
            foreach (var value in values)
            {
                sum += value;
            }

            Assert.Equal(Exact(RuptureDetector.ShrunkenMean(values, calibration)), Exact(RuptureDetector.ShrunkenMean(values.Count, sum, calibration)));
        }
    }

    [Fact]
    public void A_state_is_resumed_only_under_the_calibration_and_settings_it_was_computed_under()
    {
        var calibration = Calibration.Default(WaiSr);
        var (_, state) = RuptureDetector.Resume(
            DetectorState.Start(WaiSr, calibration, DetectorSettings.Default), History(new Random(1), WaiSr, 6), WaiSr, calibration, DetectorSettings.Default);

        Assert.True(state.IsFor(WaiSr, calibration, DetectorSettings.Default));
        Assert.False(state.IsFor(WaiSr, calibration with { Version = 1 }, DetectorSettings.Default));
        Assert.False(state.IsFor(WaiSr, calibration with { WithinSd = calibration.WithinSd + 1e-9 }, DetectorSettings.Default));
        Assert.False(state.IsFor(WaiSr, calibration, DetectorSettings.Default with { RepairWindow = 4 }));
        Assert.False(state.IsFor(InstrumentCatalog.Find("wai-sr-t")!, calibration, DetectorSettings.Default));
        Assert.Throws<ArgumentException>(() => RuptureDetector.Resume(state, [new RatedSession(9, 4)], WaiSr, calibration, DetectorSettings.Default with { K = 2 }));
        Assert.Throws<ArgumentException>(() => RuptureDetector.Resume(state, [new RatedSession(state.LastSession!.Value, 4)], WaiSr, calibration, DetectorSettings.Default));
    }

    [Fact]
    public void Deterioration_resumed_after_any_session_equals_a_full_replay()
    {
        var random = new Random(3);
        var alerts = 0;
        for (var c = 0; c < 300; c++)
        {
            var settings = random.Next(5) == 0 ? DetectorSettings.Default with { DeteriorationAlerts = false } : DetectorSettings.Default;
            var history = new List<RatedSession>();
            var (session, level) = (random.Next(1, 4), random.Next(0, 28));
            for (var i = random.Next(0, 41); i > 0; i--)
            {
                level = Math.Clamp(level + random.Next(-5, 6), 0, 27);
                history.Add(new RatedSession(session, level));
                session += random.Next(4) == 0 ? random.Next(2, 5) : 1;
            }

            var full = DeteriorationRule.Replay(history, Phq9, settings);
            alerts += full.Count;
            for (var k = 0; k <= history.Count; k++)
            {
                var (before, stored) = DeteriorationRule.Resume(DeteriorationState.Start(Phq9, settings), history.Take(k), Phq9, settings);
                var restored = JsonSerializer.Deserialize<DeteriorationState>(JsonSerializer.Serialize(stored))!;
                var (after, _) = DeteriorationRule.Resume(restored, history.Skip(k), Phq9, settings);
                Assert.Equal(Exact(full), Exact(before.Concat(after).ToList()));
            }
        }

        Assert.True(alerts > 50, $"only {alerts} deterioration alerts");
    }

    /// <summary>
    /// The resumed run's judgements are the full replay's from the first resumed session on; its alerts are the full
    /// replay's raised from then on plus the rupture the state carried open, as it stands at the end; every other alert
    /// of the full replay was raised before and is final, as the replay up to the state left it; and the states agree.
    /// </summary>
    private static void AssertEqualsFullReplay(
        DetectorRun full, DetectorState fullState, DetectorRun prefix, DetectorState stored, DetectorRun later, DetectorState state, int firstLater)
    {
        Assert.Equal(Exact(full.Sessions.Where(s => s.Session >= firstLater).ToList()), Exact(later.Sessions));
        Assert.Equal(Exact(full.Sessions.Where(s => s.Session < firstLater).ToList()), Exact(prefix.Sessions));
        bool Carried(DetectedAlert a) => stored.Open is { } open && a.Kind == AlertKind.Rupture && a.Session == open.Alert.Session;
        Assert.Equal(Exact(full.Alerts.Where(a => a.Session >= firstLater || Carried(a)).ToList()), Exact(later.Alerts));
        Assert.Equal(Exact(full.Alerts.Where(a => a.Session < firstLater && !Carried(a)).ToList()), Exact(prefix.Alerts.Where(a => !Carried(a)).ToList()));
        Assert.Equal(fullState.ToJson(), state.ToJson());
    }

    private static (InstrumentDefinition, Calibration, DetectorSettings) Setup(Random random)
    {
        var instrument = random.Next(3) == 0 ? Srs : WaiSr;
        var calibration = Calibration.Default(instrument);
        if (random.Next(2) == 0)
        {
            // A fitted clinic: its own prediction model, with a null a little off centre and a trend.
            var scale = instrument == Srs ? 8.0 : 1.0;
            var model = new PredictionModel(PredictionModel.RobustMethod, 0.25 * scale, 0.1 + (0.4 * random.NextDouble()), 4.1 * scale, 0.45 * scale,
                0.01 * scale * random.NextDouble(), 0.02 * scale, 0.1 * random.NextDouble(), 0.9 + (0.3 * random.NextDouble()), 0.7);
            calibration = calibration with { Version = random.Next(1, 9), IsDefault = false, SymptomEffectPerPoint = random.Next(2) == 0 ? null : -1.3, Model = model };
        }

        var settings = random.Next(4) switch
        {
            0 => DetectorSettings.Default,
            1 => DetectorSettings.Default with { K = 1.5 + random.NextDouble(), SustainedK = 1.5 + random.NextDouble() },
            2 => DetectorSettings.Default with { MinBaselineSessions = random.Next(1, 5), RepairWindow = random.Next(1, 5), LowAllianceCooldown = random.Next(1, 6) },
            _ => DetectorSettings.Default with { FalseAlertBudget = 2 + (5 * random.NextDouble()), SrsConcernThreshold = 30 + random.Next(8) },
        };
        return (instrument, calibration, settings);
    }

    /// <summary>A patient's level and trend with AR(1) noise, dips of one to four sessions, ceilings, gaps in the session numbers.</summary>
    private static List<RatedSession> History(Random random, InstrumentDefinition instrument, int count)
    {
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var (min, max, step) = instrument == Srs ? (0.0, 40.0, 0.1) : (1.0, 5.0, 1.0 / 12);
        var range = max - min;
        var level = min + (range * (0.45 + (0.55 * random.NextDouble())));
        var slope = range * 0.005 * Normal();
        var noise = range * (0.03 + (0.05 * random.NextDouble()));
        var (session, u, dipLeft, dipDepth) = (random.Next(1, 4), 0.0, 0, 0.0);
        var history = new List<RatedSession>();
        for (var i = 0; i < count; i++)
        {
            u = (0.3 * u) + (noise * Normal());
            if (dipLeft == 0 && random.Next(8) == 0)
            {
                (dipLeft, dipDepth) = (random.Next(1, 5), noise * (2 + (4 * random.NextDouble())));
            }

            var dip = dipLeft > 0 ? dipDepth : 0;
            dipLeft = Math.Max(0, dipLeft - 1);
            var value = random.Next(10) == 0 ? max : level + (slope * i) + u - dip;
            history.Add(new RatedSession(session, Math.Clamp(Math.Round(value / step) * step, min, max)));
            session += random.Next(5) == 0 ? random.Next(2, 5) : 1;
        }

        return history;
    }

    /// <summary>An earlier session's rating changed, removed, or a session added in a gap; <paramref name="changed"/> is its number.</summary>
    private static List<RatedSession> Correct(Random random, InstrumentDefinition instrument, List<RatedSession> history, out int changed)
    {
        var (min, max) = instrument == Srs ? (0.0, 40.0) : (1.0, 5.0);
        var at = random.Next(history.Count);
        changed = history[at].Session;
        var corrected = history.ToList();
        switch (random.Next(4))
        {
            case 0 when history.Count > 1:
                corrected.RemoveAt(at);
                break;
            case 1 when at > 0 && history[at - 1].Session < changed - 1:
                changed--;
                corrected.Insert(at, new RatedSession(changed, min + ((max - min) * random.NextDouble())));
                break;
            case 2:
                corrected[at] = corrected[at] with { Value = max };
                break;
            default:
                corrected[at] = corrected[at] with { Value = Math.Round((min + ((max - min) * random.NextDouble())) * 12) / 12 };
                break;
        }

        return corrected;
    }
}
