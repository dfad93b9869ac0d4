using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Ruptures;

/// <summary>The per-session judgements the trajectory draws agree with the alerts the detector raises.</summary>
public sealed class DetectorRunTests
{
    private static readonly InstrumentDefinition WaiSr = InstrumentCatalog.Find("wai-sr")!;
    private static readonly Calibration Clinic = new("wai-sr", 3, false, 4.2, 0.2, 0.25, 3.5, 120, 1400);

    [Fact]
    public void A_session_below_its_band_is_exactly_a_session_that_raised_a_one_session_rupture()
    {
        var data = SessionSimulator.Simulate(400, 23);
        var checkedSessions = 0;
        foreach (var patient in data.Observations.Where(o => o.Alliance.HasValue).GroupBy(o => o.PatientId))
        {
            var history = patient.OrderBy(o => o.Session).Select(o => new RatedSession(o.Session, o.Alliance!.Value)).ToList();
            var run = RuptureDetector.Run(history, WaiSr, Clinic, DetectorSettings.Default);

            Assert.Equal(RuptureDetector.Replay(history, WaiSr, Clinic, DetectorSettings.Default), run.Alerts);
            Assert.Equal(history.Select(h => h.Session), run.Sessions.Select(s => s.Session));
            var raised = run.Alerts.Where(a => a.Evidence.Rule == RuptureDetector.RuptureRule).Select(a => a.Session).ToHashSet();
            foreach (var s in run.Sessions.Where(s => s.Threshold is not null))
            {
                Assert.Equal(raised.Contains(s.Session), s.Baseline!.Value - s.Value >= s.Threshold!.Value);
                checkedSessions++;
            }

            Assert.All(raised, session => Assert.False(run.Sessions.Single(s => s.Session == session).InRupture));
        }

        Assert.True(checkedSessions > 2000, $"only {checkedSessions} sessions had a band");
    }

    [Fact]
    public void Sessions_inside_a_rupture_are_measured_against_the_level_it_broke_from()
    {
        var history = new[] { 4.5, 4.5, 4.5, 3.0, 3.2, 4.5 }.Select((v, i) => new RatedSession(i + 1, v)).ToList();
        var run = RuptureDetector.Run(history, WaiSr, Clinic, DetectorSettings.Default);

        var atRupture = run.Sessions[3];
        Assert.False(atRupture.InRupture);
        Assert.True(run.Sessions[4].InRupture);
        Assert.Equal(atRupture.Baseline, run.Sessions[4].Baseline);
        Assert.Null(run.Sessions[4].Threshold);
        Assert.Null(run.Sessions[0].Baseline);
    }
}
