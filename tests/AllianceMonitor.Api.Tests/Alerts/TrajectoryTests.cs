using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Alerts;

public sealed class TrajectoryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_trajectory_shows_baseline_deviation_band_symptoms_and_the_alert_at_its_session()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var sessions = new[] { (54, 12), (54, 11), (30, 14), (54, 9) };
        for (var i = 0; i < sessions.Length; i++)
        {
            var put = await factory.Client(tenant.Ingest)
                .PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{i + 1}", Ratings.Session(sessions[i].Item1, sessions[i].Item2));
            put.EnsureSuccessStatusCode();
        }

        var trajectory = (await factory.Client(tenant.Clinician).GetFromJsonAsync<TrajectoryResponse>("/api/v1/patients/p-1/trajectory"))!;

        var series = Assert.Single(trajectory.Alliance);
        Assert.Equal(("wai-sr", "client", 0, true), (series.Instrument, series.Rater.StoredName(), series.CalibrationVersion, series.DefaultCalibration));
        Assert.Equal([4.5, 4.5, 2.5, 4.5], series.Points.Select(p => p.Value));
        Assert.Null(series.Points[0].Baseline);
        Assert.Null(series.Points[1].Baseline);

        var dip = series.Points[2];
        Assert.True(dip.Value < dip.BandLower, "the session that raised the rupture lies below its band");
        Assert.Equal(dip.Value - dip.Baseline!.Value, dip.Deviation!.Value, 12);
        Assert.Equal(dip.Deviation.Value / series.WithinSd, dip.DeviationSds!.Value, 12);
        Assert.Equal(dip.Baseline.Value - dip.BandLower!.Value, dip.BandUpper!.Value - dip.Baseline.Value, 12);
        Assert.True(series.Points[3].InRupture);

        var phq = Assert.Single(trajectory.Symptoms);
        Assert.Equal("phq-9", phq.Instrument);
        Assert.Equal([12.0, 11, 14, 9], phq.Points.Select(p => p.Value));

        var alert = Assert.Single(trajectory.Alerts);
        Assert.Equal((3, "repaired"), (alert.Session, alert.RuptureStatus?.StoredName()));
        Assert.Equal(dip.Baseline.Value, alert.Evidence.Baseline, 12);
    }

    [Fact]
    public async Task Another_clinics_patient_has_no_trajectory()
    {
        var (a, b) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await factory.Client(a.Ingest).PutAsJsonAsync("/api/v1/patients/shared/sessions/1", Ratings.Session(54));

        var response = await factory.Client(b.Clinician).GetAsync("/api/v1/patients/shared/trajectory");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
