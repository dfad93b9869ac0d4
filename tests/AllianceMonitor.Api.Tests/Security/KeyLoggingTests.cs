using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Alerts;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Infrastructure;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>A host whose every log entry, at Trace and in every category (the framework's included), is kept.</summary>
public sealed class LoggingApiFactory : ApiFactory
{
    public LogCapture Logs { get; } = new();

    protected override void ConfigureTestHost(IWebHostBuilder builder) => builder.ConfigureLogging(logging =>
    {
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddProvider(Logs);

        // A rule for this provider alone outranks appsettings.json's category levels (Microsoft.AspNetCore: Warning,
        // Database.Command: None), so nothing is filtered out before the capture sees it.
        logging.AddFilter<LogCapture>(category: null, LogLevel.Trace);
    });
}

/// <summary>
/// Keys are bearer secrets: anyone who reads one in a log can act as that clinician. Whatever a key passes through
/// (the sign-in form, a failed sign-in, the Authorization header, a dashboard form post), neither it nor its stored
/// hash may reach a log message, an exception, a structured value or a scope, nor the sign-in response's headers.
/// </summary>
public sealed class KeyLoggingTests(LoggingApiFactory factory) : IClassFixture<LoggingApiFactory>
{
    [Fact]
    public async Task No_key_or_key_hash_reaches_the_logs_or_the_sign_in_response_headers()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var wrongKey = tenant.Clinician[..^6] + "XXXXXX";
        var alertId = await SeedRuptureAsync(tenant);

        var session = DashboardSession.Create(factory);
        var signIn = await session.SignInAsync(tenant.Clinician);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var headers = signIn.Headers.Location!.OriginalString + "\n" + string.Join("\n", signIn.Headers.GetValues("Set-Cookie"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardSession.Create(factory).SignInAsync(wrongKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DashboardSession.Create(factory).SignInAsync(tenant.Ingest)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await factory.Client(tenant.Clinician).GetAsync("/api/v1/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().SendAsync(Bearer(wrongKey))).StatusCode);

        var ack = await session.Http.PostAsync($"/alerts/{alertId}/act", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__csrf"] = await session.TokenAsync("/"), ["action"] = "acknowledge", ["note"] = "", ["returnUrl"] = "/",
        }));
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);

        var secrets = new List<string> { ApiFactory.AdminKey, wrongKey, tenant.Clinician, tenant.Ingest, tenant.Researcher, tenant.ClinicAdmin };
        secrets.AddRange(secrets.Select(k => k[ApiKeySecrets.PrefixLength..]).ToList());
        await using (var db = factory.NewDbContext())
        {
            var hashes = await db.ApiKeys.Where(k => k.ClinicId == tenant.ClinicId).Select(k => k.KeyHash).ToListAsync();
            Assert.Equal(4, hashes.Count);
            secrets.AddRange(hashes.SelectMany(h => new[] { Convert.ToHexString(h), Convert.ToBase64String(h), Convert.ToBase64String(h).TrimEnd('=') }));
        }

        // The capture must really have seen the framework at its most verbose, or the search below proves nothing.
        var entries = factory.Logs.Entries;
        Assert.Contains(entries, e => e.Level == LogLevel.Trace && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.EntityFrameworkCore.Database.Command", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message.Contains("/login", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Category.StartsWith("Microsoft.AspNetCore.Authentication", StringComparison.Ordinal));

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, headers, StringComparison.OrdinalIgnoreCase);
            foreach (var entry in entries)
            {
                Assert.False(entry.Message.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{entry.Category} logged a key in its message: {entry.Message}");
                Assert.False(entry.Exception?.Contains(secret, StringComparison.OrdinalIgnoreCase) ?? false, $"{entry.Category} logged a key in an exception");
                Assert.False(entry.Values.Any(v => v.Contains(secret, StringComparison.OrdinalIgnoreCase)), $"{entry.Category} logged a key in a structured value: {entry.Message}");
            }
        }
    }

    private static HttpRequestMessage Bearer(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/alerts");
        request.Headers.Authorization = new("Bearer", key);
        return request;
    }

    private async Task<Guid> SeedRuptureAsync(Tenant tenant)
    {
        foreach (var (n, total) in new[] { (1, 54), (2, 54), (3, 30) })
        {
            (await factory.Client(tenant.Ingest).PutAsJsonAsync($"/api/v1/patients/dip/sessions/{n}", Ratings.Session(total, 10))).EnsureSuccessStatusCode();
        }

        var alerts = await factory.Client(tenant.Clinician).GetFromJsonAsync<PagedList<AlertResponse>>("/api/v1/alerts");
        return alerts!.Items.Single().Id;
    }
}
