using AllianceMonitor.Api.Development;
using AllianceMonitor.Api.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace AllianceMonitor.Api.Tests.Browser;

/// <summary>A clinician's round in headless Chromium against the service on Kestrel, on a seeded demo clinic.</summary>
public sealed class DashboardBrowserTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>, IDisposable
{
    private readonly string userDataDir = Directory.CreateTempSubdirectory("am-chromium-").FullName;
    private ChromeDriver? driver;

    [Fact]
    public async Task Sign_in_acknowledge_open_a_patient_and_sign_out()
    {
        var key = await DemoSeeder.SeedAsync(factory.Services, TextWriter.Null, CancellationToken.None, patients: 12);
        driver = Chromium.Start(userDataDir);
        var wait = new WebDriverWait(driver, Chromium.Patience);
        var shots = Chromium.ScreenshotDirectory();

        // Sign in.
        driver.Navigate().GoToUrl(new Uri(factory.BaseAddress, "/login"));
        PageAudit.AssertAccessible(driver);
        driver.FindElement(By.Id("key")).SendKeys(key);
        driver.FindElement(By.Id("sign-in")).Click();
        wait.Until(d => d.FindElements(By.Id("open-alerts")).Count > 0);
        Assert.Equal("/", new Uri(driver.Url).AbsolutePath);
        Assert.DoesNotContain(key, driver.Url, StringComparison.Ordinal);
        Assert.Equal(0L, driver.ExecuteScript("return localStorage.length + sessionStorage.length;"));
        Assert.Equal("", driver.ExecuteScript("return document.cookie;"));
        PageAudit.AssertAccessible(driver);

        // The seeded alerts are there, most severe first; acknowledge one and see it move.
        var open = driver.FindElements(By.CssSelector("#open-alerts article.alert"));
        Assert.NotEmpty(open);
        var severities = open.Select(a => int.Parse(a.GetAttribute("class")!.Split(' ').Single(c => c.StartsWith("sev-", StringComparison.Ordinal))[4..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(severities.OrderDescending(), severities);
        var acknowledgedBefore = int.Parse(driver.FindElement(By.Id("count-acknowledged")).Text, System.Globalization.CultureInfo.InvariantCulture);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(shots, "inbox.png"));

        var first = open[0];
        var alertId = first.GetAttribute("data-alert-id")!;
        first.FindElement(By.CssSelector("select[name=note] option[value=reviewed]")).Click();
        first.FindElement(By.CssSelector("button.ack")).Click();
        wait.Until(d => d.FindElements(By.CssSelector($"#acknowledged-alerts article[data-alert-id='{alertId}']")).Count == 1);
        Assert.Empty(driver.FindElements(By.CssSelector($"#open-alerts article[data-alert-id='{alertId}']")));
        Assert.Equal(acknowledgedBefore + 1, int.Parse(driver.FindElement(By.Id("count-acknowledged")).Text, System.Globalization.CultureInfo.InvariantCulture));

        // Open the patient and find the chart drawn.
        driver.FindElement(By.CssSelector($"#acknowledged-alerts article[data-alert-id='{alertId}'] h3 a")).Click();
        wait.Until(d => d.FindElements(By.CssSelector("#alliance-chart[data-drawn]")).Count == 1);
        Assert.True(int.Parse(driver.FindElement(By.Id("alliance-chart")).GetAttribute("data-drawn")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.NotEmpty(driver.FindElements(By.CssSelector("#session-table tbody tr")));
        var painted = (bool)driver.ExecuteScript("""
            var c = document.getElementById('alliance-chart');
            var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (var i = 3; i < px.length; i += 4) { if (px[i] !== 0) { return true; } }
            return false;
            """)!;
        Assert.True(painted, "the chart canvas has no painted pixels");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(shots, "patient.png"));
        var patientUrl = new Uri(driver.Url);
        PageAudit.AssertAccessible(driver);

        // The clinic overview.
        driver.FindElement(By.LinkText("Clinic overview")).Click();
        wait.Until(d => d.FindElements(By.Id("ruptures-h")).Count == 1);
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(shots, "overview.png"));
        PageAudit.AssertAccessible(driver);

        // The same pages at tablet width (768 px, portrait): no sideways scrolling, and the checks above still hold.
        driver.Manage().Window.Size = new System.Drawing.Size(768, 1024);
        foreach (var (url, name) in new[] { (new Uri(factory.BaseAddress, "/"), "inbox"), (patientUrl, "patient"), (new Uri(factory.BaseAddress, "/overview"), "overview") })
        {
            driver.Navigate().GoToUrl(url);
            PageAudit.AssertAccessible(driver);
            ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(shots, $"{name}-tablet.png"));
        }

        driver.Manage().Window.Size = new System.Drawing.Size(1024, 1366);

        // Sign out, and be refused.
        driver.FindElement(By.Id("sign-out")).Click();
        wait.Until(d => new Uri(d.Url).AbsolutePath == "/login");
        driver.Navigate().GoToUrl(new Uri(factory.BaseAddress, "/"));
        wait.Until(d => new Uri(d.Url).AbsolutePath == "/login");
        Assert.Empty(driver.FindElements(By.Id("open-alerts")));
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
