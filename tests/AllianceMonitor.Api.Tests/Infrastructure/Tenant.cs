using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Clinics;

namespace AllianceMonitor.Api.Tests.Infrastructure;

/// <summary>A clinic with one key per role, created through the API as an operator would.</summary>
public sealed record Tenant(Guid ClinicId, string Ingest, string Clinician, string Researcher, string ClinicAdmin)
{
    public static async Task<Tenant> CreateAsync(ApiFactory factory, string? name = null)
    {
        var admin = factory.Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/clinics", new { name = name ?? "Clinic " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var clinic = (await created.Content.ReadFromJsonAsync<ClinicResponse>())!;

        async Task<string> KeyAsync(string role)
        {
            var response = await admin.PostAsJsonAsync($"/api/v1/clinics/{clinic.Id}/api-keys", new { name = role, roles = new[] { role } });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key;
        }

        return new Tenant(clinic.Id, await KeyAsync("ingest"), await KeyAsync("clinician"), await KeyAsync("researcher"), await KeyAsync("admin"));
    }
}
