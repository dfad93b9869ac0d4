using System.Net;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using static AllianceMonitor.Api.Tests.Forms.FormKit;

namespace AllianceMonitor.Api.Tests.Forms;

/// <summary>The service with small form-post limits, to see them hold.</summary>
public sealed class SmallFormLimitFactory : ApiFactory
{
    protected override void ConfigureTestHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Forms:SubmitLimit:PerToken", "3");
        builder.UseSetting("Forms:SubmitLimit:PerAddress", "5");
    }
}

public sealed class FormSubmitLimitTests(SmallFormLimitFactory factory) : IClassFixture<SmallFormLimitFactory>
{
    [Fact]
    public async Task Posts_are_limited_per_link_and_per_address_with_a_friendly_429_and_nothing_stored()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var ingest = factory.Client(tenant.Ingest);
        var body = new { instruments = new[] { new { instrument = "phq-9" } }, rater = "client" };
        var first = await CreateAsync(ingest, "p-limit", 1, body);
        var second = await CreateAsync(ingest, "p-limit", 2, body);
        var browser = FormBrowser(factory);
        var unanswered = new FormUrlEncodedContent([new("step", "0")]);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(PathOf(first), unanswered)).StatusCode); // asked again: nothing answered
        }

        var limited = await browser.PostAsync(PathOf(first), unanswered);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Contains("Please wait a moment", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Another link from the same address: one more post within the address's five, then refused too.
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(PathOf(second), unanswered)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await browser.PostAsync(PathOf(second), unanswered)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client(tenant.Clinician).GetAsync("/api/v1/patients/p-limit/sessions/1/revisions")).StatusCode);
    }
}
