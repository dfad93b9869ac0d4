using AllianceMonitor.Api.Tests.GeneratedClient;
using AllianceMonitor.Api.Tests.GeneratedClient.Models;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace AllianceMonitor.Api.Tests.Contract;

/// <summary>
/// The README's flow through the client Kiota generates from docs/openapi/v1.json (GeneratedClient/generate.sh), as an
/// integrator would use it: no hand-written HTTP. The test clients underneath still run the contract checks.
/// </summary>
public sealed class GeneratedClientTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_readme_flow_works_through_the_generated_client()
    {
        // 1. A clinic, and one key per role for it.
        var admin = Client(ApiFactory.AdminKey);
        var clinic = await admin.Api.V1.Clinics.PostAsync(new CreateClinicRequest { Name = "Generated client clinic" });
        var clinicId = clinic!.Id!.Value;
        async Task<AllianceMonitorClient> KeyFor(string role) =>
            Client((await admin.Api.V1.Clinics[clinicId].ApiKeys.PostAsync(new CreateApiKeyRequest { Name = role, Roles = [role] }))!.Key!);
        var ingest = await KeyFor("ingest");
        var clinician = await KeyFor("clinician");
        var researcher = await KeyFor("researcher");
        var clinicAdmin = await KeyFor("admin");
        Assert.Equal(clinicId, Assert.Single((await clinicAdmin.Api.V1.Clinics.GetAsync())!).Id);

        // 2. The platform PUTs three sessions; the third dips far below the first two. The README's full body first,
        //    then its minimal one (measurements only), which the schema must let a typed client send as is.
        var first = await ingest.Api.V1.Patients["p-1042"].Sessions[1].PutAsync(new SessionBody
        {
            OccurredOn = new Date(2026, 11, 2),
            Modality = "video",
            TherapistId = "t-7",
            Measurements = [WaiSr(54), new MeasurementInput { Instrument = "phq-9", Items = [.. Bodies.Phq9Items.Select(i => (double?)i)] }],
        });
        Assert.Equal(1, first!.SessionNumber);
        Assert.Equal(2, first.Measurements!.Count);
        await ingest.Api.V1.Patients["p-1042"].Sessions[2].PutAsync(new SessionBody { Measurements = [WaiSr(54)] });
        var third = await ingest.Api.V1.Patients["p-1042"].Sessions[3].PutAsync(new SessionBody { Measurements = [WaiSr(30)] });
        Assert.Null(third!.OccurredOn);

        // 3. The clinician reads the patient back with computed scores.
        var patient = await clinician.Api.V1.Patients["p-1042"].GetAsync();
        Assert.Equal("t-7", patient!.TherapistId);
        Assert.Equal([1, 2, 3], patient.Sessions!.Select(s => s.SessionNumber ?? 0));
        Assert.Equal(4.5, patient.Sessions![0].Measurements!.Single(m => m.Instrument == "wai-sr").Total);

        // 4. The dip is an open alert; the clinician acknowledges it.
        var alert = Assert.Single((await clinician.Api.V1.Alerts.GetAsync())!.Items!);
        Assert.Equal(AlertStatus.Open, alert.Status);
        var acknowledged = await clinician.Api.V1.Alerts[alert.Id!.Value].Acknowledge.PostAsync(new AlertActionBody());
        Assert.Equal(AlertStatus.Acknowledged, acknowledged!.Status);

        // 5. The researcher exports one pseudonymised row per session.
        await using var export = await researcher.Api.V1.Export.Sessions.GetAsync(r => r.QueryParameters.Format = "csv");
        using var reader = new StreamReader(export!);
        var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.DoesNotContain("p-1042", string.Join('\n', lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validation_error_arrives_as_the_typed_problem()
    {
        var admin = Client(ApiFactory.AdminKey);

        var problem = await Assert.ThrowsAsync<HttpValidationProblemDetails>(() => admin.Api.V1.Clinics.PostAsync(new CreateClinicRequest { Name = "" }));

        Assert.Equal(400, problem.Status);
        Assert.Contains("name", problem.Errors!.AdditionalData.Keys);
    }

    private static MeasurementInput WaiSr(int total) => new() { Instrument = "wai-sr", Items = [.. Ratings.WaiSr(total).Select(i => (double?)i)] };

    /// <summary>The generated client over a test client (so the contract handler sees its traffic), with the key as a bearer token.</summary>
    private AllianceMonitorClient Client(string key)
    {
        var adapter = new HttpClientRequestAdapter(new BaseBearerTokenAuthenticationProvider(new StaticKey(key)), httpClient: factory.Client())
        {
            BaseUrl = "http://localhost",
        };
        return new AllianceMonitorClient(adapter);
    }

    private sealed class StaticKey(string key) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new(["localhost"]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(key);
    }
}
