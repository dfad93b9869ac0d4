using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using AllianceMonitor.Api.Forms;
using AllianceMonitor.Api.Tests.Dashboard;
using AllianceMonitor.Api.Tests.Infrastructure;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AllianceMonitor.Api.Tests.Forms;

/// <summary>Creating form links through the API, and filling form pages as a browser without script would.</summary>
public static class FormKit
{
    /// <summary>Stand-in wording of the right shape for a licensed measure, as a clinic admin would upload its own.</summary>
    public static object Pack(string instrument, string language = "en")
    {
        var (items, anchors) = instrument switch
        {
            "srs" => (4, new object[] { new { value = 0, label = "Poor" }, new { value = 10, label = "Good" } }),
            "wai-sr" or "wai-sr-t" => (12, Enumerable.Range(1, 5).Select(v => (object)new { value = v, label = $"Level {v}" }).ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(instrument)),
        };
        return new { instrument, language, title = $"Test {instrument}", instructions = "Test wording.", items = Enumerable.Range(1, items).Select(i => $"Item {i}").ToArray(), anchors };
    }

    public static async Task UploadPackAsync(ApiFactory factory, Tenant tenant, string instrument, string language = "en")
    {
        var response = await factory.Client(tenant.ClinicAdmin).PutAsJsonAsync("/api/v1/clinics/current/text-packs", Pack(instrument, language));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<FormLinkResponse> CreateAsync(HttpClient client, string patient, int session, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/patients/{patient}/sessions/{session}/forms", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<FormLinkResponse>())!;
    }

    /// <summary>A browser-like client for form pages: no key, no redirects followed, and never a 5xx.</summary>
    public static HttpClient FormBrowser(ApiFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    public static string PathOf(FormLinkResponse link) => new Uri(link.Url).AbsolutePath;

    /// <summary>Fills every step with the given item values (one array per instrument) and returns the last response.</summary>
    public static async Task<HttpResponseMessage> FillAsync(HttpClient browser, string path, params double[][] steps)
    {
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        HttpResponseMessage? last = null;
        var document = DashboardSession.Parse(await page.Content.ReadAsStringAsync());
        foreach (var values in steps)
        {
            last = await PostStepAsync(browser, path, document, values);
            if (last.StatusCode != HttpStatusCode.OK || document.QuerySelector("#next")?.TextContent == "Send my answers")
            {
                break;
            }

            document = DashboardSession.Parse(await last.Content.ReadAsStringAsync());
        }

        return last!;
    }

    /// <summary>Posts one step: its hidden fields as rendered, and the values for its items in order.</summary>
    public static Task<HttpResponseMessage> PostStepAsync(HttpClient browser, string path, IHtmlDocument document, double[] values) =>
        browser.PostAsync(path, new FormUrlEncodedContent(StepFields(document, values)));

    public static List<KeyValuePair<string, string>> StepFields(IHtmlDocument document, double[] values)
    {
        var fields = document.QuerySelectorAll("#form-step input[type=hidden]")
            .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? "")).ToList();
        var names = document.QuerySelectorAll("#form-step input[type=radio], #form-step input[type=number]")
            .Select(i => i.GetAttribute("name")!).Distinct().ToList();
        Assert.Equal(names.Count, values.Length);
        fields.AddRange(names.Select((name, i) => new KeyValuePair<string, string>(name, values[i].ToString(CultureInfo.InvariantCulture))));
        return fields;
    }

    public static double[] Items(params int[] values) => values.Select(v => (double)v).ToArray();
}
