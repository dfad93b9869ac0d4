using System.Net.Http.Json;
using AllianceMonitor.Api.Patients;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Patients;

/// <summary>Client-therapist agreement where patient-level figures appear: the trajectory JSON and a line on the patient page.</summary>
public sealed class PatientAgreementTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    // Client WAI-SR item means 4, 4.5, 3, 4, 5 against the therapist's WAI-SR-T 3.5, 4, 3, 4, 4.5 (PatientAgreementTests in
    // the analysis tests: mean discrepancy -0.3, r = 1.6 / sqrt(2.2 x 1.3) = 0.9461).
    private static readonly (int Client, int Therapist)[] Sessions = [(48, 42), (54, 48), (36, 36), (48, 48), (60, 54)];

    [Fact]
    public async Task The_trajectory_carries_the_agreement_per_session_and_for_the_patient()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await PutAsync(tenant, withTherapist: true);

        var trajectory = (await factory.Client(tenant.Clinician).GetFromJsonAsync<TrajectoryResponse>("/api/v1/patients/p-1/trajectory"))!;

        var agreement = Assert.Single(trajectory.Agreement);
        Assert.Equal(("wai-sr", "wai-sr-t", 5), (agreement.Instrument, agreement.TherapistInstrument, agreement.Pairs));
        Assert.Equal(-0.3, agreement.MeanDiscrepancy!.Value, 9);
        Assert.Equal(-0.3 / agreement.WithinSd, agreement.MeanDiscrepancySds!.Value, 9);
        Assert.Equal(0.946100, agreement.WithinCorrelation!.Value, 6);
        Assert.Equal([-0.5, -0.5, 0, 0, -0.5], agreement.Sessions.Select(s => Math.Round(s.Points, 9)));
        Assert.Equal(-0.5 / agreement.WithinSd, agreement.Sessions[0].WithinSds!.Value, 9);
    }

    [Fact]
    public async Task The_patient_page_says_it_in_one_line_and_only_when_the_therapist_has_rated()
    {
        var (rated, unrated) = (await Tenant.CreateAsync(factory), await Tenant.CreateAsync(factory));
        await PutAsync(rated, withTherapist: true);
        await PutAsync(unrated, withTherapist: false);
        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(rated.Clinician);
        var other = DashboardSession.Create(factory);
        await other.SignedInAsync(unrated.Clinician);

        var line = (await session.PageAsync("/patients/p-1")).QuerySelector("#patient-agreement")!.TextContent;
        var none = (await other.PageAsync("/patients/p-1")).QuerySelector("#patient-agreement");

        Assert.Equal(
            "Client and therapist: Client (WAI-SR) and therapist (WAI-SR-T) both rated 5 sessions: the therapist rated the alliance on average 0.30 points lower than the client "
            + "(1.0 of this clinic's usual session-to-session SDs). Over the sessions, the two ratings correlate r = 0.95 (1: they rise and fall together; 0: unrelated).",
            line);
        Assert.Null(none);
        Assert.Empty((await factory.Client(unrated.Clinician).GetFromJsonAsync<TrajectoryResponse>("/api/v1/patients/p-1/trajectory"))!.Agreement);
    }

    private async Task PutAsync(Tenant tenant, bool withTherapist)
    {
        for (var i = 0; i < Sessions.Length; i++)
        {
            var measurements = new List<object> { new { instrument = "wai-sr", items = Ratings.WaiSr(Sessions[i].Client) } };
            if (withTherapist)
            {
                measurements.Add(new { instrument = "wai-sr-t", rater = "therapist", items = Ratings.WaiSr(Sessions[i].Therapist) });
            }

            var response = await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/p-1/sessions/{i + 1}", new { therapistId = "t-7", measurements });
            Assert.True(response.IsSuccessStatusCode, $"session {i + 1}: {(int)response.StatusCode}");
        }
    }
}
