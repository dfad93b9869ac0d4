using System.Net;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;

namespace AllianceMonitor.Api.Tests.Security;

/// <summary>
/// The data-protection key ring lives in the database, so a session cookie and a form token issued by one instance
/// are good on another instance (or the same one restarted) that uses the same database, and only because of it.
/// </summary>
public sealed class DataProtectionKeyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_second_host_on_the_same_database_accepts_the_first_hosts_session_and_form_token()
    {
        var tenant = await Tenant.CreateAsync(factory);
        var jar = new CookieContainer();
        var first = Session(factory, jar);
        await first.SignedInAsync(tenant.Clinician);
        var token = await first.TokenAsync("/");

        await using (var db = factory.NewDbContext())
        {
            var keys = await db.DataProtectionKeys.ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.StartsWith("<key ", k.Xml, StringComparison.Ordinal));
        }

        await using var secondHost = ApiFactory.OnDatabase(factory.ConnectionString);
        var second = Session(secondHost, jar);
        var inbox = await second.Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, inbox.StatusCode);
        Assert.Contains("Alert inbox", await inbox.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var signOut = await second.Http.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__csrf"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.StartsWith("/login", signOut.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_stored_keys_a_new_host_does_not_accept_the_cookie()
    {
        // A database of its own: deleting the key ring here must not pull it from under the other test.
        await using var firstHost = new ApiFactory();
        await firstHost.InitializeAsync();
        var tenant = await Tenant.CreateAsync(firstHost);
        var jar = new CookieContainer();
        await Session(firstHost, jar).SignedInAsync(tenant.Clinician);

        await using (var db = firstHost.NewDbContext())
        {
            Assert.NotEqual(0, await db.DataProtectionKeys.ExecuteDeleteAsync());
        }

        await using var secondHost = ApiFactory.OnDatabase(firstHost.ConnectionString);
        var response = await Session(secondHost, jar).Http.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    /// <summary>A browser-like session whose cookies live in <paramref name="jar"/>, so another host can be handed them.</summary>
    private static DashboardSession Session(ApiFactory host, CookieContainer jar) =>
        new(host.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(jar)));
}
