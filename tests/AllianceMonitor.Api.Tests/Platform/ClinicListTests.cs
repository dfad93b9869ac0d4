using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Development;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>GET /clinics shows a key the clinics it manages, and the demo seed hands out a working key per role.</summary>
public sealed class ClinicListTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_global_admin_sees_every_clinic_and_a_clinic_admin_only_its_own()
    {
        var first = await Tenant.CreateAsync(factory);
        var second = await Tenant.CreateAsync(factory);

        var all = await factory.Admin().GetFromJsonAsync<List<ClinicResponse>>("/api/v1/clinics");
        var own = await factory.Client(first.ClinicAdmin).GetFromJsonAsync<List<ClinicResponse>>("/api/v1/clinics");

        Assert.Contains(all!, c => c.Id == first.ClinicId);
        Assert.Contains(all!, c => c.Id == second.ClinicId);
        Assert.Equal(first.ClinicId, Assert.Single(own!).Id);
    }

    [Fact]
    public async Task The_demo_seed_prints_the_clinic_id_and_a_working_key_per_role()
    {
        var console = new StringWriter();
        var keys = await DemoSeeder.SeedWithKeysAsync(factory.Services, console, CancellationToken.None, patients: 12);
        var printed = console.ToString();

        Assert.Contains(keys.ClinicId.ToString(), printed, StringComparison.Ordinal);
        foreach (var key in new[] { keys.ClinicAdmin, keys.Ingest, keys.Clinician, keys.Researcher })
        {
            Assert.Contains(key, printed, StringComparison.Ordinal);
        }

        var clinics = await factory.Client(keys.ClinicAdmin).GetFromJsonAsync<List<ClinicResponse>>("/api/v1/clinics");
        Assert.Equal(keys.ClinicId, Assert.Single(clinics!).Id);
        Assert.Equal(HttpStatusCode.Created, (await factory.Client(keys.Ingest).PutAsJsonAsync("/api/v1/patients/new-1/sessions/1", Bodies.Session())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(keys.Clinician).GetAsync("/api/v1/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.Client(keys.Researcher).GetAsync("/api/v1/export/codebook")).StatusCode);
    }
}
