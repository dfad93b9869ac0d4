using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>Data no model can be fitted to, and a clinic whose refit fails, harm neither that clinic's API nor the other clinics.</summary>
public sealed class RefitRobustnessTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Ceiling_data_give_the_documented_defaults_with_the_reason()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await CeilingRatingsAsync(tenant);

        var refit = await factory.Client(tenant.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null);

        Assert.Equal(HttpStatusCode.OK, refit.StatusCode);
        var calibration = Assert.Single((await refit.Content.ReadFromJsonAsync<List<CalibrationResponse>>())!);
        Assert.True(calibration.IsDefault);
        Assert.Equal((4.2, 0.30, 90), (calibration.GrandMean, calibration.WithinSd, calibration.Ratings));
        Assert.False(string.IsNullOrWhiteSpace(calibration.DefaultReason));
        var read = Assert.Single((await factory.Client(tenant.Clinician).GetFromJsonAsync<List<CalibrationResponse>>("/api/v1/analysis/calibrations"))!);
        Assert.Equal(calibration.DefaultReason, read.DefaultReason);
    }

    [Fact]
    public async Task Too_few_patients_is_recorded_as_the_reason()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 50, 40, 45);

        var calibration = Assert.Single((await (await factory.Client(tenant.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null))
            .Content.ReadFromJsonAsync<List<CalibrationResponse>>())!);

        Assert.Equal("fewer than 30 patients with 3 rated sessions", calibration.DefaultReason);
    }

    [Fact]
    public async Task A_clinic_whose_refit_fails_does_not_keep_the_others_unfitted_and_is_named_in_the_log()
    {
        var broken = await Tenant.CreateAsync(factory);
        var healthy = await Tenant.CreateAsync(factory);
        foreach (var tenant in new[] { broken, healthy })
        {
            var settings = await factory.Client(tenant.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { refitEvery = 10 });
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
            await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-1", 50, 40, 45, 44, 43);
            await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-2", 50, 40, 45, 44, 43);
        }

        // A real failure inside the broken clinic's refit transaction: the database refuses its calibration rows.
        var trigger = $"""
                CREATE FUNCTION refuse_calibration() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'calibrations refused for this clinic'; END $$;
                CREATE TRIGGER refuse_calibration BEFORE INSERT ON calibrations
                FOR EACH ROW WHEN (NEW.clinic_id = '{broken.ClinicId}') EXECUTE FUNCTION refuse_calibration();
                """;
        await using (var db = factory.NewDbContext())
        {
            await db.Database.ExecuteSqlRawAsync(trigger);
        }

        try
        {
            var failed = await factory.Services.GetRequiredService<AutomaticRefit>().RefitDueClinicsAsync(CancellationToken.None);

            Assert.Equal([broken.ClinicId], failed);
            Assert.Single((await factory.Client(healthy.Clinician).GetFromJsonAsync<List<CalibrationResponse>>("/api/v1/analysis/calibrations"))!);
            Assert.Empty((await factory.Client(broken.Clinician).GetFromJsonAsync<List<CalibrationResponse>>("/api/v1/analysis/calibrations"))!);
            Assert.Contains(factory.ServerErrors.Errors, e => e.Contains(broken.ClinicId.ToString(), StringComparison.Ordinal));
        }
        finally
        {
            await using var db = factory.NewDbContext();
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER refuse_calibration ON calibrations; DROP FUNCTION refuse_calibration();");
        }
    }

    private async Task CeilingRatingsAsync(Tenant tenant)
    {
        var ingest = factory.Client(tenant.Ingest);
        await Task.WhenAll(Enumerable.Range(1, 30).Select(p => Ratings.PutSeriesAsync(ingest, $"c-{p}", 60, 60, 60)));
    }
}
