using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Tests.Webhooks;
using AllianceMonitor.Api.Webhooks;
using static AllianceMonitor.Api.Tests.Forms.FormKit;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Forms;

/// <summary>A form writes through the session write path: the same rows, revisions, alerts and events as the equivalent PUT.</summary>
public sealed class FormWriteTests(PrivateNetworkApiFactory factory) : IClassFixture<PrivateNetworkApiFactory>
{
    [Fact]
    public async Task The_form_writes_exactly_what_the_equivalent_put_writes_alerts_and_events_included()
    {
        await using var receiver = await TestReceiver.StartAsync();
        var tenant = await Tenant.CreateAsync(factory);
        await UploadPackAsync(factory, tenant, "wai-sr");
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await CreateAsync(admin, receiver.Url("/events"), WebhookEvents.FormCompleted, WebhookEvents.AlertCreated);
        var ingest = factory.Client(tenant.Ingest);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd");
        var phq = Ratings.Phq9(14);
        var dip = Ratings.WaiSr(30);

        // Two patients with the same history; session 3 already holds a PHQ-9 and a GAD-7 sent by the platform.
        foreach (var patient in new[] { "p-form", "p-put" })
        {
            await Ratings.PutSeriesAsync(ingest, patient, 54, 55, 54);
            var session3 = new
            {
                occurredOn = today, modality = "video", therapistId = "t-7",
                measurements = new object[] { new { instrument = "phq-9", items = Ratings.Phq9(9) }, new { instrument = "gad-7", items = new[] { 1, 1, 1, 1, 1, 1, 1 } } },
            };
            Assert.Equal(HttpStatusCode.OK, (await ingest.PutAsJsonAsync($"/api/v1/patients/{patient}/sessions/3", session3)).StatusCode);
        }

        // p-form answers a new PHQ-9 (before) and the WAI-SR (after, with a dip) through a link ...
        var link = await CreateAsync(ingest, "p-form", 3, new
        {
            instruments = new[] { new { instrument = "phq-9", timing = "pre" }, new { instrument = "wai-sr", timing = "post" } },
            rater = "client",
        });
        var done = await FillAsync(FormBrowser(factory), PathOf(link), phq.Select(v => (double)v).ToArray(), dip.Select(v => (double)v).ToArray());
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);

        // ... and p-put gets the same through the PUT a platform would send.
        var put = await ingest.PutAsJsonAsync("/api/v1/patients/p-put/sessions/3", new
        {
            occurredOn = today, modality = "video", therapistId = "t-7",
            measurements = new object[]
            {
                new { instrument = "gad-7", items = new[] { 1, 1, 1, 1, 1, 1, 1 } },
                new { instrument = "phq-9", rater = "client", timing = "pre", items = phq },
                new { instrument = "wai-sr", rater = "client", timing = "post", items = dip },
            },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var clinician = factory.Client(tenant.Clinician);
        Assert.Equal(await RevisionsAsync(clinician, "p-put"), await RevisionsAsync(clinician, "p-form"));
        Assert.Equal(await SessionAsync(clinician, "p-put"), await SessionAsync(clinician, "p-form"));
        var alerts = await AlertsAsync(clinician);
        Assert.Equal(alerts.GetValueOrDefault("p-put"), alerts.GetValueOrDefault("p-form"));
        Assert.Contains("rupture@3", alerts["p-form"], StringComparison.Ordinal);

        await WaitUntilAsync(() => receiver.At("/events").Any(r => r.Body.Contains(WebhookEvents.FormCompleted, StringComparison.Ordinal)), "form.completed is delivered");
        var completed = JsonNode.Parse(receiver.At("/events").First(r => r.Body.Contains(WebhookEvents.FormCompleted, StringComparison.Ordinal)).Body)!;
        Assert.True(SignatureIsValid(webhook.Secret, receiver.At("/events").First()));
        var data = completed["data"]!;
        Assert.Equal((link.Id.ToString(), "p-form", 3, "client"), ((string?)data["formLinkId"], (string?)data["patientId"], (int)data["session"]!, (string?)data["rater"]));
        Assert.Equal(["phq-9/pre", "wai-sr/post"], data["instruments"]!.AsArray().Select(i => $"{i!["instrument"]}/{i["timing"]}"));
        Assert.Null(data["items"]);
        Assert.DoesNotContain("\"total\"", completed.ToJsonString(), StringComparison.Ordinal); // thin: no scores in a push
        await WaitUntilAsync(() => receiver.At("/events").Count(r => r.Body.Contains(WebhookEvents.AlertCreated, StringComparison.Ordinal)) == 2, "both patients' rupture alerts are pushed");
    }

    [Fact]
    public async Task Two_links_of_one_session_keep_each_others_forms_and_the_therapist_form_is_stored_as_the_therapists()
    {
        var tenant = await Tenant.CreateAsync(factory);
        await UploadPackAsync(factory, tenant, "wai-sr-t");
        await UploadPackAsync(factory, tenant, "srs");
        var ingest = factory.Client(tenant.Ingest);
        var client = await CreateAsync(ingest, "p-both", 1, new { instruments = new[] { new { instrument = "srs" } }, rater = "client" });
        var therapist = await CreateAsync(factory.Client(tenant.Clinician), "p-both", 1, new { instruments = new[] { new { instrument = "wai-sr-t" } }, rater = "therapist" });

        Assert.Equal(HttpStatusCode.OK, (await FillAsync(FormBrowser(factory), PathOf(client), [8.5, 9, 7.3, 10.0])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await FillAsync(FormBrowser(factory), PathOf(therapist), Items(4, 4, 3, 4, 4, 4, 4, 4, 3, 4, 4, 3))).StatusCode);

        var session = await factory.Client(tenant.Clinician).GetFromJsonAsync<JsonObject>("/api/v1/patients/p-both/sessions/1/revisions");
        var forms = session!["revisions"]!.AsArray().Select(r => $"{r!["instrument"]}/{r["rater"]}/{r["total"]}/{r["supersededAt"] is null}").Order().ToList();
        Assert.Equal(["srs/client/34.8/True", "wai-sr-t/therapist/3.75/True"], forms);
    }

    private static async Task<string> RevisionsAsync(HttpClient clinician, string patient)
    {
        var revisions = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patient}/sessions/3/revisions"))!["revisions"]!.AsArray();
        return string.Join("\n", revisions.Select(r =>
        {
            var copy = r!.DeepClone().AsObject();
            copy.Remove("receivedAt");
            copy.Remove("supersededAt");
            return $"{copy.ToJsonString()} superseded={r["supersededAt"] is not null}";
        }));
    }

    private static async Task<string> SessionAsync(HttpClient clinician, string patient)
    {
        var detail = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patient}"))!;
        var session = detail["sessions"]!.AsArray().Single(s => (int)s!["sessionNumber"]! == 3)!.DeepClone().AsObject();
        session.Remove("patientId");
        foreach (var measurement in session["measurements"]!.AsArray())
        {
            measurement!.AsObject().Remove("receivedAt");
        }

        return session.ToJsonString();
    }

    private static async Task<Dictionary<string, string>> AlertsAsync(HttpClient clinician)
    {
        var page = (await clinician.GetFromJsonAsync<JsonObject>("/api/v1/alerts?pageSize=100"))!;
        return page["items"]!.AsArray()
            .GroupBy(a => (string)a!["patientId"]!)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(a => $"{a!["kind"]}@{a["session"]}:{a["severity"]}:{a["status"]}").Order()));
    }
}
