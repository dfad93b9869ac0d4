using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Calibrations;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Tests.Export;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static AllianceMonitor.Api.Tests.Forms.FormKit;

namespace AllianceMonitor.Api.Tests.Alerts;

/// <summary>The per-clinic change counter the write path keeps, and the due-check and summary cache that read it (issue 15).</summary>
public sealed class ClinicChangeCounterTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    [Fact]
    public async Task The_counter_moves_once_per_write_that_changes_the_data_and_never_on_reads_rejections_or_replays()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var other = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var clinician = factory.Client(tenant.Clinician);
        Assert.Equal(0, await CountAsync(tenant));

        await Ratings.PutSeriesAsync(ingest, "p-1", 50, 52);
        Assert.Equal(2, await CountAsync(tenant));

        // The same body again is an idempotent replay: nothing stored, nothing counted.
        Assert.Equal(HttpStatusCode.OK, (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Ratings.Session(52))).StatusCode);
        Assert.Equal(2, await CountAsync(tenant));

        // A correction supersedes a form and adds a revision: one change.
        Assert.Equal(HttpStatusCode.OK, (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/2", Ratings.Session(40, 12))).StatusCode);
        Assert.Equal(3, await CountAsync(tenant));

        // Reads and a rejected body change nothing.
        (await clinician.GetAsync("/api/v1/patients/p-1")).EnsureSuccessStatusCode();
        (await clinician.GetAsync("/api/v1/alerts")).EnsureSuccessStatusCode();
        await factory.Client(tenant.Researcher).GetAsync("/api/v1/analysis/summary");
        Assert.Equal(HttpStatusCode.BadRequest, (await ingest.PutAsJsonAsync("/api/v1/patients/p-1/sessions/3", new { measurements = new[] { new { instrument = "no-such-measure", total = 1 } } })).StatusCode);
        Assert.Equal(3, await CountAsync(tenant));

        // A form that stores scores writes through the session path: one change.
        await UploadPackAsync(factory, tenant, "wai-sr");
        var link = await CreateAsync(ingest, "p-1", 3, new { instruments = new[] { new { instrument = "wai-sr", timing = "post" } }, rater = "client" });
        Assert.Equal(HttpStatusCode.OK, (await FillAsync(FormBrowser(factory), PathOf(link), Ratings.WaiSr(48).Select(v => (double)v).ToArray())).StatusCode);
        Assert.Equal(4, await CountAsync(tenant));

        // Erasure deletes the patient and, by cascade, its three sessions: one change, counted once.
        Assert.Equal(HttpStatusCode.NoContent, (await factory.Client(tenant.ClinicAdmin).DeleteAsync("/api/v1/patients/p-1")).StatusCode);
        Assert.Equal(5, await CountAsync(tenant));

        Assert.Equal(0, await CountAsync(other));
    }

    [Fact]
    public async Task A_statement_that_writes_many_sessions_counts_each_of_them()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), "p-bulk", 50);
        await using (var db = factory.NewDbContext())
        {
            // As a bulk import would: set-based SQL, one statement for many sessions.
            await db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO sessions (id, patient_id, number, created_at, updated_at)
                SELECT gen_random_uuid(), p.id, n, now(), now()
                FROM patients p CROSS JOIN generate_series(2, 301) n
                WHERE p.clinic_id = {tenant.ClinicId} AND p.external_id = 'p-bulk'
                """);
        }

        Assert.Equal(301, await CountAsync(tenant));
    }

    [Fact]
    public async Task The_due_check_refits_a_clinic_with_enough_changes_and_not_one_without()
    {
        var changed = await Tenant.CreateAsync(factory);
        var unchanged = await Tenant.CreateAsync(factory);
        foreach (var tenant in new[] { changed, unchanged })
        {
            var settings = await factory.Client(tenant.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { refitEvery = 10 });
            Assert.Equal(HttpStatusCode.OK, settings.StatusCode);
            await SeriesAsync(tenant, "a", 10);
        }

        var refit = factory.Services.GetRequiredService<AutomaticRefit>();
        Assert.Empty(await refit.RefitDueClinicsAsync(CancellationToken.None));
        Assert.Equal((1, 1), (await VersionAsync(changed), await VersionAsync(unchanged)));

        // Ten changes (new sessions and corrections alike) make the first due; nine leave the second as it was.
        await SeriesAsync(changed, "b", 6);
        await SeriesAsync(changed, "a", 4, total: 30);
        await SeriesAsync(unchanged, "b", 9);
        Assert.Empty(await refit.RefitDueClinicsAsync(CancellationToken.None));
        Assert.Equal((2, 1), (await VersionAsync(changed), await VersionAsync(unchanged)));

        // Nothing new: no refit at all.
        await refit.RefitDueClinicsAsync(CancellationToken.None);
        Assert.Equal((2, 1), (await VersionAsync(changed), await VersionAsync(unchanged)));
    }

    [Fact]
    public async Task A_manual_refit_resets_the_count_towards_the_next_automatic_one()
    {
        var tenant = await Tenant.CreateAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(tenant.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/settings", new { refitEvery = 10 })).StatusCode);
        await SeriesAsync(tenant, "a", 12);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(tenant.ClinicAdmin).PostAsync("/api/v1/analysis/refit", null)).StatusCode);

        await factory.Services.GetRequiredService<AutomaticRefit>().RefitDueClinicsAsync(CancellationToken.None);
        Assert.Equal(1, await VersionAsync(tenant));
        await using var db = factory.NewDbContext();
        Assert.Equal(12, (await db.ClinicRefitMarks.SingleAsync(m => m.ClinicId == tenant.ClinicId)).ChangesAtRefit);
    }

    [Fact]
    public async Task The_cached_summary_is_refitted_after_a_correction_and_after_an_erasure()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.FittableClinic(12, seed: 3));
        var client = factory.Client(tenant.Researcher);
        var dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();

        var first = await client.GetStringAsync("/api/v1/analysis/summary");
        var version = await SummaryData.DataVersionAsync(dataSource, tenant.ClinicId, CancellationToken.None);
        Assert.Equal(first, await client.GetStringAsync("/api/v1/analysis/summary"));
        Assert.Equal(version, await SummaryData.DataVersionAsync(dataSource, tenant.ClinicId, CancellationToken.None));

        // A correction keeps the number of sessions: only a counter of writes (not a count of sessions) sees it.
        await ExportKit.SeedAsync(factory, tenant, [new SeedSession("f-0", 1, 13, 27)]);
        var corrected = await client.GetStringAsync("/api/v1/analysis/summary");
        Assert.NotEqual(first, corrected);
        Assert.NotEqual(version, await SummaryData.DataVersionAsync(dataSource, tenant.ClinicId, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NoContent, (await factory.Client(tenant.ClinicAdmin).DeleteAsync("/api/v1/patients/f-1")).StatusCode);
        Assert.NotEqual(corrected, await client.GetStringAsync("/api/v1/analysis/summary"));
    }

    private Task<long> CountAsync(Tenant tenant) =>
        ClinicChanges.CountAsync(factory.Services.GetRequiredService<NpgsqlDataSource>(), tenant.ClinicId, CancellationToken.None);

    /// <summary>PUTs sessions 1..count of one patient.</summary>
    private async Task SeriesAsync(Tenant tenant, string patient, int count, int total = 50) =>
        await Ratings.PutSeriesAsync(factory.Client(tenant.Ingest), patient, [.. Enumerable.Repeat(total, count)]);

    private async Task<int> VersionAsync(Tenant tenant)
    {
        await using var db = factory.NewDbContext();
        return await db.Calibrations.Where(c => c.ClinicId == tenant.ClinicId).MaxAsync(c => (int?)c.Version) ?? 0;
    }
}
