using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Export;
using AllianceMonitor.Api.Tests.Export;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// Rotating the clinic's research key: linkable exports before and after no longer share a pseudonym, and exports
/// after the rotation agree with each other again.
/// </summary>
public sealed class ResearchKeyRotationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Rotate = "/api/v1/clinics/current/research-key/rotate";

    [Fact]
    public async Task After_rotation_linkable_pseudonyms_change_and_stay_linkable_among_themselves()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, tenant, ExportKit.SmallClinic());
        var before = await LinkableIdsAsync(tenant);
        Assert.Equal(before, await LinkableIdsAsync(tenant));
        var storedBefore = await StoredKeyAsync(tenant.ClinicId);

        var response = await factory.Client(tenant.ClinicAdmin).PostAsync(Rotate, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rotated = (await response.Content.ReadFromJsonAsync<ResearchKeyRotatedResponse>())!;

        var after = await LinkableIdsAsync(tenant);
        Assert.Equal(4, after.Count);
        Assert.Empty(before.Intersect(after));
        Assert.Equal(after, await LinkableIdsAsync(tenant));

        var storedAfter = await StoredKeyAsync(tenant.ClinicId);
        Assert.NotEqual(storedBefore, storedAfter);
        Assert.NotEqual(Pseudonyms.KeyBytes, storedAfter.Length);
        await using var db = factory.NewDbContext();
        var row = await db.ResearchKeys.AsNoTracking().SingleAsync(k => k.ClinicId == tenant.ClinicId);
        Assert.Equal(rotated.RotatedAt, row.CreatedAt);
        Assert.Contains(await db.AuditLog.Where(a => a.ClinicId == tenant.ClinicId).ToListAsync(), a => a.Action == "research_key.rotate" && a.Outcome == 200);
    }

    [Fact]
    public async Task Rotating_before_any_linkable_export_makes_the_key_and_touches_no_other_clinic()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var other = await Tenant.CreateAsync(factory);
        await ExportKit.SeedAsync(factory, other, ExportKit.SmallClinic());
        var othersBefore = await LinkableIdsAsync(other);

        Assert.Equal(HttpStatusCode.OK, (await factory.Client(tenant.ClinicAdmin).PostAsync(Rotate, null)).StatusCode);

        Assert.NotEqual(Pseudonyms.KeyBytes, (await StoredKeyAsync(tenant.ClinicId)).Length);
        Assert.Equal(othersBefore, await LinkableIdsAsync(other));
    }

    [Fact]
    public async Task A_global_admin_key_is_told_to_use_a_clinic_key()
    {
        var response = await factory.Admin().PostAsync(Rotate, null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HashSet<string>> LinkableIdsAsync(Tenant tenant)
    {
        var csv = await factory.Client(tenant.Researcher).GetStringAsync("/api/v1/export/sessions?linkable=true");
        var table = ExportTable.Parse(csv);
        return table.Rows.Select(r => table.Cell(r, "patient_id")).ToHashSet();
    }

    private async Task<byte[]> StoredKeyAsync(Guid clinicId)
    {
        await using var db = factory.NewDbContext();
        return await db.ResearchKeys.AsNoTracking().Where(k => k.ClinicId == clinicId).Select(k => k.ProtectedKey).SingleAsync();
    }
}
