using System.Net;
using System.Text.RegularExpressions;
using AllianceMonitor.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>A browser-like client of the dashboard: keeps cookies, does not follow redirects, reads the form token.</summary>
public sealed partial class DashboardSession(HttpClient client)
{
    public HttpClient Http { get; } = client;

    public static DashboardSession Create(ApiFactory factory, string baseAddress = "http://localhost") =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(baseAddress) }));

    public async Task<string> TokenAsync(string page = "/login")
    {
        var html = await Http.GetStringAsync(page);
        return CsrfField().Match(html).Groups[1].Value;
    }

    public async Task<HttpResponseMessage> SignInAsync(string key, bool withToken = true)
    {
        var fields = new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = "/" };
        if (withToken)
        {
            fields["__csrf"] = await TokenAsync();
        }

        return await Http.PostAsync("/login", new FormUrlEncodedContent(fields));
    }

    public async Task SignedInAsync(string key)
    {
        var response = await SignInAsync(key);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
