using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AllianceMonitor.Api.Auth;
using AllianceMonitor.Api.Clinics;
using AllianceMonitor.Api.Development;
using AllianceMonitor.Api.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace AllianceMonitor.Api.Tests.Browser;

/// <summary>A clinic admin opens the supervisor view in headless Chromium, on a demo clinic of ten therapists (the default minimum).</summary>
public sealed class SupervisorBrowserTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>, IDisposable
{
    private readonly string userDataDir = Directory.CreateTempSubdirectory("am-chromium-").FullName;
    private ChromeDriver? driver;

    [Fact]
    public async Task An_admin_reaches_the_supervisor_view_from_the_navigation_and_it_passes_the_audit()
    {
        // The demo gives ten patients to each therapist: 100 patients are the ten therapists Analysis:MinTherapists asks for.
        var keys = await DemoSeeder.SeedWithKeysAsync(factory.Services, TextWriter.Null, CancellationToken.None, patients: 100, parallelism: 2);
        using var admin = new HttpClient { BaseAddress = factory.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys.ClinicAdmin);
        var created = await admin.PostAsJsonAsync($"/api/v1/clinics/{keys.ClinicId}/api-keys", new { name = "supervisor", roles = new[] { Roles.Clinician, Roles.Admin } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKeyResponse>())!.Key;

        driver = Chromium.Start(userDataDir);
        var wait = new WebDriverWait(driver, Chromium.Patience);
        driver.Navigate().GoToUrl(new Uri(factory.BaseAddress, "/login"));
        driver.FindElement(By.Id("key")).SendKeys(key);
        driver.FindElement(By.Id("sign-in")).Click();
        wait.Until(d => d.FindElements(By.Id("open-alerts")).Count > 0);

        driver.FindElement(By.LinkText("Supervisor view")).Click();
        wait.Until(d => d.FindElements(By.Id("therapists-h")).Count == 1);
        var rows = driver.FindElements(By.CssSelector("#therapists tbody tr"));
        var ids = rows.Select(r => r.GetAttribute("data-therapist")!).ToList();
        Assert.Equal(10, ids.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        Assert.All(rows, r => Assert.Equal("10", r.FindElements(By.TagName("td"))[0].Text));
        Assert.Contains("0 not shown", driver.FindElement(By.Id("hidden")).Text, StringComparison.Ordinal);
        Assert.NotEmpty(driver.FindElements(By.Id("reading")));
        PageAudit.AssertAccessible(driver);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Chromium.ScreenshotDirectory(), "supervisor.png"));

        driver.Manage().Window.Size = new System.Drawing.Size(768, 1024);
        driver.Navigate().Refresh();
        wait.Until(d => d.FindElements(By.Id("therapists-h")).Count == 1);
        PageAudit.AssertAccessible(driver);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Chromium.ScreenshotDirectory(), "supervisor-tablet.png"));
    }

    public void Dispose()
    {
        driver?.Quit();
        driver?.Dispose();
        try
        {
            Directory.Delete(userDataDir, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of its profile; the temp folder is cleaned up by the OS.
        }
    }
}
