using System.Net;
using AllianceMonitor.Api.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>A browser-like client of the dashboard: keeps cookies, does not follow redirects, reads the form token.</summary>
public sealed class DashboardSession(HttpClient client)
{
    public HttpClient Http { get; } = client;

    public static DashboardSession Create(ApiFactory factory, string baseAddress = "http://localhost") =>
        new(factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri(baseAddress) }));

    public async Task<string> TokenAsync(string page = "/login")
    {
        var document = await PageAsync(page);
        return document.QuerySelector("input[name=__csrf]")?.GetAttribute("value") ?? "";
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

    /// <summary>A page parsed as a browser would parse it.</summary>
    public async Task<IHtmlDocument> PageAsync(string url) => Parse(await Http.GetStringAsync(url));

    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);
}
