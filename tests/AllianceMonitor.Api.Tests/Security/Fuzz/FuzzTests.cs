using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit.Abstractions;

namespace AllianceMonitor.Api.Tests.Security.Fuzz;

/// <summary>
/// Seeded fuzzing of every mapped endpoint for a bounded time: mutated JSON, path and query values and content types.
/// The service must never answer 5xx, and every API error must be problem+json. The seed and the request count are
/// printed, so a failure can be replayed with the same seed.
/// </summary>
public sealed partial class FuzzTests(ApiFactory factory, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private const int Seed = 20261201;
    // FUZZ_SECONDS lengthens a run by hand (for a soak before a release); the suite keeps the 30 s default.
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("FUZZ_SECONDS"), CultureInfo.InvariantCulture, out var seconds) ? seconds : 30);
    private const int Workers = 4;

    [Fact]
    public async Task No_mutated_request_to_any_endpoint_gets_a_5xx_and_every_API_error_is_problem_json()
    {
        var fixture = await FixtureAsync();
        var targets = FuzzTargets.From(factory.Services);
        Assert.Contains(targets, t => t.ToString() == "PUT /api/v1/patients/{patientId}/sessions/{sessionNumber}");
        Assert.Contains(targets, t => t.ToString() == "GET /patients/{patientId}");

        // The key that gets a valid request past authorization, so mutations reach validation and the handlers.
        var keys = new Dictionary<FuzzTarget, HttpClient>();
        foreach (var target in targets.Where(t => !t.IsDashboard))
        {
            keys[target] = fixture.Api[0];
            foreach (var client in fixture.Api)
            {
                using var response = await client.SendAsync(Build(target, fixture, mutator: null, random: null));
                if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                {
                    keys[target] = client;
                    break;
                }
            }
        }

        var failures = new ConcurrentQueue<string>();
        var sent = 0;
        var byStatus = new ConcurrentDictionary<int, int>();
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(Seed + worker);
            var mutator = new Mutator(random);
            while (stopwatch.Elapsed < Budget)
            {
                var target = targets[random.Next(targets.Count)];
                var client = target.IsDashboard ? fixture.Dashboard : keys[target];
                using var request = Build(target, fixture, mutator, random);
                var described = $"{request.Method} {request.RequestUri}";
                HttpResponseMessage response;
                try
                {
                    response = await client.SendAsync(request);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures.Enqueue($"{described}: the call threw {e.GetType().Name}: {e.Message}");
                    continue;
                }

                using (response)
                {
                    Interlocked.Increment(ref sent);
                    var status = (int)response.StatusCode;
                    byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
                    var mediaType = response.Content.Headers.ContentType?.MediaType;
                    if (status >= 500)
                    {
                        failures.Enqueue($"{described} answered {status}: {await response.Content.ReadAsStringAsync()}");
                    }
                    else if (status >= 400 && mediaType != "application/problem+json" && !(target.IsDashboard && mediaType == "text/html"))
                    {
                        failures.Enqueue($"{described} answered {status} with {mediaType ?? "no body"}");
                    }
                }
            }
        })));

        var statuses = string.Join(", ", byStatus.OrderBy(s => s.Key).Select(s => $"{s.Key} x {s.Value}"));
        var seconds = stopwatch.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        output.WriteLine($"Fuzz seed {Seed}: {sent} requests to {targets.Count} endpoints in {seconds} s; by status: {statuses}");
        // A floor that only catches a fuzzer that stopped sending; throughput depends on the machine.
        Assert.True(sent >= 300, $"only {sent} requests were sent");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {sent} requests failed the contract, e.g.:{Environment.NewLine}" +
            string.Join(Environment.NewLine, failures.Distinct().Take(15)) + Environment.NewLine + string.Join(Environment.NewLine, factory.ServerErrors.Errors.TakeLast(2)));
    }

    private static HttpRequestMessage Build(FuzzTarget target, Fixture fixture, Mutator? mutator, Random? random)
    {
        var path = RouteParameter().Replace(target.Pattern, m =>
        {
            var valid = fixture.RouteValue(m.Groups[1].Value);
            return mutator is not null && random!.Next(4) == 0 ? mutator.PathValue(valid) : valid;
        });
        if (mutator is not null && target.QueryParameters.Count > 0 && random!.Next(2) == 0)
        {
            var count = 1 + random!.Next(3);
            path += "?" + string.Join("&", Enumerable.Range(0, count).Select(
                _ => target.QueryParameters[random.Next(target.QueryParameters.Count)] + "=" + mutator.QueryValue()));
        }

        var request = new HttpRequestMessage(new HttpMethod(target.Method), path);
        if (target.IsForm)
        {
            var fields = new Dictionary<string, string>
            {
                ["key"] = mutator is null ? "wrong" : mutator.QueryValue(),
                ["returnUrl"] = mutator is null ? "/" : Uri.UnescapeDataString(mutator.QueryValue()),
                ["action"] = "acknowledge",
                ["__csrf"] = fixture.Csrf,
            };
            request.Content = new FormUrlEncodedContent(fields);
        }
        else if (target.Body is not null || (mutator is not null && target.Method is "POST" or "PUT" && random!.Next(3) == 0))
        {
            var (body, contentType) = mutator is null
                ? (System.Text.Encoding.UTF8.GetBytes(target.Body!.ToJsonString()), "application/json")
                : mutator.Body(target.Body);
            request.Content = new ByteArrayContent(body);
            Mutator.SetContentType(request.Content, contentType);
        }

        return request;
    }

    [GeneratedRegex(@"\{([^}:]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    private async Task<Fixture> FixtureAsync()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        await Ratings.PutSeriesAsync(ingest, "p-1", 54, 54, 30, 50);
        var clinician = factory.Client(tenant.Clinician);
        var alerts = await clinician.GetFromJsonAsync<Api.Infrastructure.PagedList<Api.Alerts.AlertResponse>>("/api/v1/alerts");
        var admin = factory.Client(tenant.ClinicAdmin);
        var webhook = await Webhooks.WebhookTestKit.CreateAsync(admin, "https://receiver.example.org/fuzz");
        var victim = await factory.Admin().PostAsJsonAsync($"/api/v1/clinics/{tenant.ClinicId}/api-keys", new { name = "victim", roles = new[] { "clinician" } });
        var victimId = (await victim.Content.ReadFromJsonAsync<Api.Clinics.CreatedApiKeyResponse>())!.Id;

        var session = DashboardSession.Create(factory);
        await session.SignedInAsync(tenant.Clinician);
        var csrf = await session.TokenAsync("/");

        HttpClient Raw(string key)
        {
            var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }

        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["patientId"] = "p-1",
            ["sessionNumber"] = "2",
            ["clinicId"] = tenant.ClinicId.ToString(),
            ["keyId"] = victimId.ToString(),
            ["webhookId"] = webhook.Id.ToString(),
            ["alertId"] = alerts!.Items[0].Id.ToString(),
        };
        return new Fixture(
            [Raw(tenant.ClinicAdmin), Raw(tenant.Clinician), Raw(tenant.Ingest), Raw(tenant.Researcher), Raw(ApiFactory.AdminKey)],
            session.Http, csrf, values);
    }

    private sealed record Fixture(IReadOnlyList<HttpClient> Api, HttpClient Dashboard, string Csrf, Dictionary<string, string> Values)
    {
        public string RouteValue(string name) => Values.GetValueOrDefault(name, "x-1");
    }
}
