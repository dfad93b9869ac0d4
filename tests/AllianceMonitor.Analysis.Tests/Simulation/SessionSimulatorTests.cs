using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Analysis.Tests.Simulation;

public sealed class SessionSimulatorTests
{
    [Fact]
    public void Same_seed_gives_same_data_and_another_seed_differs()
    {
        var first = SessionSimulator.Simulate(50, 7);
        var again = SessionSimulator.Simulate(50, 7);
        var other = SessionSimulator.Simulate(50, 8);

        Assert.Equal(first.Observations, again.Observations);
        Assert.Equal(first.Ruptures, again.Ruptures);
        Assert.NotEqual(first.Observations, other.Observations);
    }

    [Fact]
    public void Values_stay_on_the_instrument_scales()
    {
        var data = SessionSimulator.Simulate(500, 3);

        Assert.All(data.Observations.Where(o => o.Alliance.HasValue), o =>
        {
            Assert.InRange(o.Alliance!.Value, 1, 5);
            Assert.Equal(Math.Round(o.Alliance.Value * 12), o.Alliance.Value * 12, 9);
        });
        Assert.All(data.Observations.Where(o => o.Symptoms.HasValue), o =>
        {
            Assert.InRange(o.Symptoms!.Value, 0, 27);
            Assert.Equal(Math.Round(o.Symptoms.Value), o.Symptoms.Value);
        });
        Assert.Contains(data.Observations, o => o.Alliance == 5);
    }

    [Fact]
    public void Some_sessions_are_missing_and_lengths_vary_within_bounds()
    {
        var data = SessionSimulator.Simulate(500, 4);
        var byPatient = data.Observations.GroupBy(o => o.PatientId).ToArray();

        Assert.Equal(500, byPatient.Length);
        Assert.Contains(byPatient, g => g.Max(o => o.Session) != g.Count());
        // A patient's last session can itself be missing, so the last seen may be one below the minimum.
        Assert.All(byPatient, g => Assert.InRange(g.Max(o => o.Session), data.Parameters.MinSessions - 1, data.Parameters.MaxSessions));
        Assert.True(byPatient.Select(g => g.Max(o => o.Session)).Distinct().Count() > 5);
    }

    [Fact]
    public void Ruptures_are_dips_below_the_patients_other_sessions()
    {
        var data = SessionSimulator.Simulate(2000, 5);
        var patientsWithRupture = data.Ruptures.Select(r => r.PatientId).Distinct().Count();
        Assert.InRange(patientsWithRupture, 150, 330);

        var alliance = data.Observations.Where(o => o.Alliance.HasValue)
            .ToDictionary(o => (o.PatientId, o.Session), o => o.Alliance!.Value);
        var ruptured = data.Ruptures.ToHashSet();
        var dips = 0;
        var rated = 0;
        foreach (var rupture in data.Ruptures.Where(r => alliance.ContainsKey((r.PatientId, r.Session))))
        {
            rated++;
            var others = alliance.Where(kv => kv.Key.PatientId == rupture.PatientId && !ruptured.Contains(new RuptureSession(kv.Key.PatientId, kv.Key.Session)))
                .Select(kv => kv.Value).ToArray();
            if (alliance[(rupture.PatientId, rupture.Session)] < others.Average())
            {
                dips++;
            }
        }

        Assert.True(dips >= 0.95 * rated, $"only {dips} of {rated} rupture sessions lie below the patient's other sessions");
    }

    [Fact]
    public void Expected_alliance_is_the_clamped_mean_of_level_plus_noise()
    {
        var atCeiling = SessionSimulator.Simulate(5, 3, new SimulationParameters(AllianceMean: 5, AllianceBetweenSd: 0));
        var midScale = SessionSimulator.Simulate(5, 3, new SimulationParameters(AllianceMean: 3, AllianceBetweenSd: 0));

        // E[min(X, 5)] for X ~ N(5, .25^2) is 5 - .25 / sqrt(2 pi).
        Assert.All(atCeiling.ExpectedAlliance.Values, e => Assert.Equal(5 - (0.25 / Math.Sqrt(2 * Math.PI)), e, 6));
        Assert.All(midScale.ExpectedAlliance.Values, e => Assert.Equal(3, e, 9));
    }

    [Fact]
    public void Ratings_outside_dips_average_to_the_expected_alliance()
    {
        var data = SessionSimulator.Simulate(3000, 11);
        var dips = data.Ruptures.Select(r => (r.PatientId, r.Session)).ToHashSet();
        var residuals = data.Observations
            .Where(o => o.Alliance.HasValue && !dips.Contains((o.PatientId, o.Session)))
            .Select(o => o.Alliance!.Value - data.ExpectedAlliance[o.PatientId])
            .ToList();

        Assert.Equal(data.Observations.Select(o => o.PatientId).Distinct().Count(), data.ExpectedAlliance.Count);
        Assert.InRange(residuals.Average(), -0.01, 0.01);
    }
}
