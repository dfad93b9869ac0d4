using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Security;

public sealed class FailedAuthLimitApiFactory : ApiFactory
{
    public const int Limit = 5;

    protected override void ConfigureTestHost(IWebHostBuilder builder) =>
        builder.UseSetting("Auth:FailedLimit:PermitLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>Bearer key guessing: limited per address, counted in a metric, audited once per window.</summary>
public sealed class FailedAuthLimitTests(FailedAuthLimitApiFactory factory) : IClassFixture<FailedAuthLimitApiFactory>
{
    [Fact]
    public async Task An_address_past_the_limit_gets_429_with_Retry_After_and_one_audit_entry()
    {
        long failures = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FailedAuthLimit.MeterName && instrument.Name == "alliancemonitor.auth.failures")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failures, value));
        listener.Start();

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < FailedAuthLimitApiFactory.Limit + 5; i++)
        {
            using var client = factory.CreateDefaultClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"am_wrong_{i}");
            using var response = await client.GetAsync("/api/v1/patients");
            guesses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
            }
        }

        Assert.Equal(
            [.. Enumerable.Repeat(HttpStatusCode.Unauthorized, FailedAuthLimitApiFactory.Limit), .. Enumerable.Repeat(HttpStatusCode.TooManyRequests, 5)],
            guesses);
        Assert.True(Interlocked.Read(ref failures) >= FailedAuthLimitApiFactory.Limit, $"metric counted {failures}");
        await using var db = factory.NewDbContext();
        Assert.Equal(1, await db.AuditLog.CountAsync(a => a.Action == FailedAuthLimit.AuditAction));

        // Requests without a key are not what is limited.
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateDefaultClient().GetAsync("/health/live")).StatusCode);
    }
}

/// <summary>Headers on responses that carry patient data, on real Kestrel.</summary>
public sealed class SecurityHeaderTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    [Theory]
    [InlineData("/api/v1/patients")]
    [InlineData("/api/v1/alerts")]
    [InlineData("/health/ready")]
    [InlineData("/login")]
    [InlineData("/api/v1/no-such-route")]
    public async Task Responses_are_not_cached_not_sniffed_and_name_no_server(string path)
    {
        using var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiFactory.AdminKey);

        using var response = await client.GetAsync(path);

        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [InlineData("/css/dashboard.css")]
    [InlineData("/js/patient-chart.js")]
    public async Task Scripts_and_styles_are_revalidated_by_the_browser_rather_than_fetched_again_on_every_page(string path)
    {
        using var client = new HttpClient { BaseAddress = factory.BaseAddress };

        using var response = await client.GetAsync(path);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var revalidated = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
    }
}
