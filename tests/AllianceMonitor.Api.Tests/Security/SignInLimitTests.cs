using System.Net;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// A host with a small sign-in limit. The test server has no client address of its own, so a test names one in
/// <see cref="AddressHeader"/>, standing in for the connection's remote address.
/// </summary>
public class SignInLimitApiFactory : ApiFactory
{
    public const string AddressHeader = "X-Test-Remote-Address";
    public const int PermitLimit = 3;

    protected virtual string Window => "00:01:00";

    protected override void ConfigureTestHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Dashboard:SignInLimit:PermitLimit", PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Dashboard:SignInLimit:Window", Window);
        builder.ConfigureServices(s => s.AddSingleton<IStartupFilter, RemoteAddressFromHeader>());
    }

    /// <summary>A session whose requests come from <paramref name="address"/>.</summary>
    public DashboardSession SessionFrom(string address)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.Add(AddressHeader, address);
        return new DashboardSession(client);
    }

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader], out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Sign-in attempts are limited per client address; nothing else is.</summary>
public sealed class SignInLimitTests(SignInLimitApiFactory factory) : IClassFixture<SignInLimitApiFactory>
{
    [Fact]
    public async Task The_attempt_after_the_limit_gets_429_with_retry_after_and_a_page_and_is_not_audited()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = factory.SessionFrom("203.0.113.10");
        for (var i = 0; i < SignInLimitApiFactory.PermitLimit; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await session.SignInAsync(tenant.Ingest)).StatusCode);
        }

        var refused = await session.SignInAsync(tenant.Ingest);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("text/html", refused.Content.Headers.ContentType!.MediaType);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Too many sign-in attempts</h1>", html, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        Assert.Contains("wait", html, StringComparison.Ordinal);

        // Refused before the key is looked at: the right key is refused too, and no attempt beyond the limit is audited.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await session.SignInAsync(tenant.Clinician)).StatusCode);
        await using var db = factory.NewDbContext();
        var audited = await db.AuditLog.CountAsync(a => a.ClinicId == tenant.ClinicId && a.Action == "dashboard.sign_in");
        Assert.Equal(SignInLimitApiFactory.PermitLimit, audited);
    }

    [Fact]
    public async Task Another_address_still_signs_in()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var busy = factory.SessionFrom("203.0.113.20");
        for (var i = 0; i <= SignInLimitApiFactory.PermitLimit; i++)
        {
            await busy.SignInAsync("amk_unknownX_" + new string('x', 43));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await busy.SignInAsync(tenant.Clinician)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await factory.SessionFrom("203.0.113.21").SignInAsync(tenant.Clinician)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await factory.SessionFrom("2001:db8::21").SignInAsync(tenant.Clinician)).StatusCode);
    }

    [Fact]
    public async Task Pages_and_the_api_are_not_limited()
    {
        var tenant = await Tenant.CreateAsync(factory);
        const string address = "203.0.113.30";
        var session = factory.SessionFrom(address);
        for (var i = 0; i <= SignInLimitApiFactory.PermitLimit; i++)
        {
            await session.SignInAsync("amk_unknownX_" + new string('x', 43));
        }

        var api = factory.Client(tenant.Clinician);
        api.DefaultRequestHeaders.Add(SignInLimitApiFactory.AddressHeader, address);
        for (var i = 0; i < 4 * SignInLimitApiFactory.PermitLimit; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/alerts")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/login")).StatusCode);
        }
    }
}

/// <summary>The same limit with a two-second window, to see a refused address let in again once it has passed.</summary>
public sealed class ShortWindowSignInLimitApiFactory : SignInLimitApiFactory
{
    protected override string Window => "00:00:02";
}

public sealed class SignInLimitWindowTests(ShortWindowSignInLimitApiFactory factory) : IClassFixture<ShortWindowSignInLimitApiFactory>
{
    [Fact]
    public async Task A_refused_address_may_sign_in_once_the_window_has_passed()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var session = factory.SessionFrom("203.0.113.40");

        // A window may roll over while the permits are used up, so keep trying until one is refused.
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4 * SignInLimitApiFactory.PermitLimit && refused is null; i++)
        {
            var response = await session.SignInAsync("amk_unknownX_" + new string('x', 43));
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.NotNull(refused);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 2);
        await Task.Delay(TimeSpan.FromSeconds(retryAfter) + TimeSpan.FromMilliseconds(500));

        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(tenant.Clinician)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Http.GetAsync("/")).StatusCode);
    }
}
