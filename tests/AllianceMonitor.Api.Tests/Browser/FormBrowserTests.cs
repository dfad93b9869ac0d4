using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AllianceMonitor.Api.Development;
using AllianceMonitor.Api.Forms;
using AllianceMonitor.Api.Tests.Infrastructure;
using AllianceMonitor.Api.Tests.Webhooks;
using AllianceMonitor.Api.Webhooks;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;
using static AllianceMonitor.Api.Tests.Webhooks.WebhookTestKit;

namespace AllianceMonitor.Api.Tests.Browser;

/// <summary>Form pages in headless Chromium at phone size (390 × 844): filled by keyboard only, then by pointer.</summary>
public sealed class FormBrowserTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>, IDisposable
{
    private static readonly System.Drawing.Size Phone = new(390, 844);
    private readonly string userDataDir = Directory.CreateTempSubdirectory("am-chromium-").FullName;
    private ChromeDriver? driver;

    [Fact]
    public async Task A_client_fills_a_PHQ9_and_a_WAI_SR_by_keyboard_then_by_pointer_and_the_ratings_alert_and_event_follow()
    {
        var keys = await DemoSeeder.SeedWithKeysAsync(factory.Services, TextWriter.Null, CancellationToken.None, patients: 2);
        await using var receiver = await TestReceiver.StartAsync();
        var admin = Api(keys.ClinicAdmin);
        await CreateAsync(admin, receiver.Url("/events"), WebhookEvents.FormCompleted, WebhookEvents.AlertCreated);
        var ingest = Api(keys.Ingest);
        await Ratings.PutSeriesAsync(ingest, "p-phone", 54, 55, 54);
        var byKeyboard = await LinkAsync(ingest, 4);
        var byPointer = await LinkAsync(ingest, 5);

        driver = Chromium.Start(userDataDir);
        driver.Manage().Window.Size = Phone;
        var shots = Chromium.ScreenshotDirectory();

        // Keyboard only: PHQ-9 total 12, then a WAI-SR that dips to a mean of 2.5.
        int[] phqByKeyboard = [2, 1, 2, 1, 2, 1, 1, 1, 1];
        var waiDip = Ratings.WaiSr(30);
        driver.Navigate().GoToUrl(byKeyboard.Url);
        AuditAtWidths("form-step1");
        FillByKeyboard(phqByKeyboard, minimum: 0);
        AuditAtWidths("form-step2");
        FillByKeyboard(waiDip, minimum: 1);
        Assert.Equal("thanks", driver.FindElement(By.CssSelector("main p[role=status]")).GetAttribute("id"));
        AuditAtWidths("form-thanks");

        // By pointer: the next session's PHQ-9 (total 6) and a WAI-SR back at the patient's level.
        int[] phqByPointer = [1, 1, 1, 1, 1, 1, 0, 0, 0];
        var waiBack = Ratings.WaiSr(54);
        driver.Navigate().GoToUrl(byPointer.Url);
        FillByPointer(phqByPointer);
        FillByPointer(waiBack);
        Assert.NotEmpty(driver.FindElements(By.Id("thanks")));

        // A used link shows a plain page, and the audit holds there too.
        driver.Navigate().GoToUrl(byKeyboard.Url);
        Assert.NotEmpty(driver.FindElements(By.Id("already-sent")));
        driver.Manage().Window.Size = new System.Drawing.Size(320, 844);
        PageAudit.AssertAccessible(driver);
        driver.Manage().Window.Size = new System.Drawing.Size(1024, 844);
        PageAudit.AssertAccessible(driver);

        // The stored scores and revisions.
        var clinician = Api(keys.Clinician);
        Assert.Equal(["phq-9/pre/12/1", "wai-sr/post/2.5/1"], await FormsAsync(clinician, 4));
        Assert.Equal(["phq-9/pre/6/1", "wai-sr/post/4.5/1"], await FormsAsync(clinician, 5));

        // The rupture where the ratings dipped, and its repair at the next session.
        var alerts = (await clinician.GetFromJsonAsync<JsonObject>("/api/v1/alerts?pageSize=100"))!["items"]!.AsArray()
            .Where(a => (string?)a!["patientId"] == "p-phone").ToList();
        var rupture = Assert.Single(alerts, a => (string?)a!["kind"] == "rupture");
        Assert.Equal(4, (int)rupture!["session"]!);
        Assert.Equal("repaired", (string?)rupture["ruptureStatus"]);

        // One form.completed per link, and the alert event beside them.
        await WaitUntilAsync(() => receiver.At("/events").Count(r => r.Body.Contains(WebhookEvents.FormCompleted, StringComparison.Ordinal)) == 2, "both form.completed events arrive");
        var completed = receiver.At("/events").Where(r => r.Body.Contains(WebhookEvents.FormCompleted, StringComparison.Ordinal))
            .Select(r => (string?)JsonNode.Parse(r.Body)!["data"]!["formLinkId"]).Order().ToList();
        Assert.Equal(new[] { byKeyboard.Id.ToString(), byPointer.Id.ToString() }.Order(), completed);
        await WaitUntilAsync(() => receiver.At("/events").Any(r => r.Body.Contains(WebhookEvents.AlertCreated, StringComparison.Ordinal)), "the rupture alert event arrives");
    }

    [Fact]
    public async Task The_SRS_slider_and_its_number_box_move_together_and_the_therapist_rates_a_session_from_the_patient_page()
    {
        var keys = await DemoSeeder.SeedWithKeysAsync(factory.Services, TextWriter.Null, CancellationToken.None, patients: 2);
        var ingest = Api(keys.Ingest);
        await Ratings.PutSeriesAsync(ingest, "p-srs", 54, 54);
        var srs = await FormKitCreateAsync(ingest, "p-srs", 3, new { instruments = new[] { new { instrument = "srs" } }, rater = "client" });

        driver = Chromium.Start(userDataDir);
        driver.Manage().Window.Size = Phone;
        driver.Navigate().GoToUrl(srs.Url);
        Assert.NotEmpty(driver.FindElements(By.Id("placeholder-notice")));
        AuditAtWidths("form-srs");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Chromium.ScreenshotDirectory(), "form-srs.png"));

        // The slider by keyboard moves the number box; the number box typed moves the slider.
        var slider = driver.FindElement(By.Id("a0_1-slider"));
        Assert.True(slider.Displayed);
        slider.SendKeys(Keys.ArrowRight);
        Assert.Equal("5.1", driver.FindElement(By.Id("a0_1")).GetAttribute("value"));
        driver.FindElement(By.Id("a0_2")).SendKeys("7.5");
        Assert.Equal("7.5", driver.FindElement(By.Id("a0_2-slider")).GetAttribute("value"));
        driver.FindElement(By.Id("a0_3")).SendKeys("9");
        driver.FindElement(By.Id("a0_4")).SendKeys("10");
        driver.FindElement(By.Id("next")).SendKeys(Keys.Enter);
        new WebDriverWait(driver, Chromium.Patience).Until(d => d.FindElements(By.Id("thanks")).Count == 1);
        Assert.Equal(["srs/post/31.6/1"], await FormsAsync(Api(keys.Clinician), 3, "p-srs"));

        // The therapist: sign in, open the patient, "Rate this session", fill the WAI-SR-T, come back.
        driver.Manage().Window.Size = new System.Drawing.Size(1024, 1366);
        driver.Navigate().GoToUrl(new Uri(factory.BaseAddress, "/login"));
        driver.FindElement(By.Id("key")).SendKeys(keys.Clinician);
        driver.FindElement(By.Id("sign-in")).Click();
        new WebDriverWait(driver, Chromium.Patience).Until(d => d.FindElements(By.Id("open-alerts")).Count > 0);
        driver.Navigate().GoToUrl(new Uri(factory.BaseAddress, "/patients/p-srs"));
        PageAudit.AssertAccessible(driver);
        driver.FindElement(By.CssSelector("#rate-session-number option[value='3']")).Click();
        driver.FindElement(By.Id("rate")).Click();
        new WebDriverWait(driver, Chromium.Patience).Until(d => d.FindElements(By.Id("form-step")).Count == 1);
        Assert.StartsWith("/f/", new Uri(driver.Url).AbsolutePath, StringComparison.Ordinal);
        FillByPointer([4, 4, 3, 4, 4, 4, 4, 4, 3, 4, 4, 3]);
        new WebDriverWait(driver, Chromium.Patience).Until(d => new Uri(d.Url).AbsolutePath == "/patients/p-srs");
        Assert.Equal(["srs/post/31.6/1", "wai-sr-t/post/3.75/1"], await FormsAsync(Api(keys.Clinician), 3, "p-srs"));
        var revisions = (await Api(keys.Clinician).GetFromJsonAsync<JsonObject>("/api/v1/patients/p-srs/sessions/3/revisions"))!;
        Assert.Equal("therapist", (string?)revisions["revisions"]!.AsArray().Single(r => (string?)r!["instrument"] == "wai-sr-t")!["rater"]);
    }

    /// <summary>The page just loaded: the content rules at 320 and 1024 px, then back at phone size, the skip link first.</summary>
    private void AuditAtWidths(string name)
    {
        foreach (var width in new[] { 320, 1024 })
        {
            driver!.Manage().Window.Size = new System.Drawing.Size(width, 844);
            PageAudit.AssertContentRules(driver);
        }

        driver!.Manage().Window.Size = Phone;
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(Path.Combine(Chromium.ScreenshotDirectory(), $"{name}.png"));
        PageAudit.AssertSkipLinkFirst(driver);
    }

    /// <summary>From the focused content: Tab into each item's choices, arrow to the value (Space for the first), then Enter on the button.</summary>
    private void FillByKeyboard(int[] values, int minimum)
    {
        var step = driver!.FindElement(By.Id("progress")).Text;
        var actions = new Actions(driver);
        foreach (var value in values)
        {
            actions.SendKeys(Keys.Tab);
            if (value == minimum)
            {
                actions.SendKeys(Keys.Space);
            }

            for (var i = minimum; i < value; i++)
            {
                actions.SendKeys(Keys.ArrowRight);
            }
        }

        actions.Perform();
        Assert.Equal(values.Select(v => v.ToString(CultureInfo.InvariantCulture)), Checked());
        new Actions(driver).SendKeys(Keys.Tab).Perform();
        Assert.Equal("next", driver.SwitchTo().ActiveElement().GetAttribute("id"));
        new Actions(driver).SendKeys(Keys.Enter).Perform();
        WaitForNextStep(step);
    }

    /// <summary>Clicks each chosen answer's label, then the button.</summary>
    private void FillByPointer(int[] values)
    {
        var step = driver!.FindElements(By.Id("progress")).FirstOrDefault()?.Text;
        var names = driver.FindElements(By.CssSelector("#form-step input[type=radio]")).Select(r => r.GetAttribute("name")!).Distinct().ToList();
        Assert.Equal(values.Length, names.Count);
        for (var i = 0; i < values.Length; i++)
        {
            driver.FindElement(By.CssSelector($"label[for='{names[i]}-{values[i]}']")).Click();
        }

        Assert.Equal(values.Select(v => v.ToString(CultureInfo.InvariantCulture)), Checked());
        driver.FindElement(By.Id("next")).Click();
        WaitForNextStep(step);
    }

    /// <summary>
    /// Waits until the page shows another step. The button posts the form and the browser loads the next page, so the
    /// progress element read on the old page can go stale while it is being read: that is the page changing, not a failure.
    /// </summary>
    private void WaitForNextStep(string? step)
    {
        var wait = new WebDriverWait(driver!, Chromium.Patience);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        wait.Until(d => d.FindElements(By.Id("progress")).FirstOrDefault()?.Text != step);
    }

    private List<string> Checked() =>
        [.. ((IReadOnlyCollection<object>)((IJavaScriptExecutor)driver!).ExecuteScript(
            "return Array.prototype.map.call(document.querySelectorAll('#form-step input[type=radio]:checked'), function (r) { return r.value; });")!)
            .Select(v => (string)v)];

    private HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = factory.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static Task<FormLinkResponse> LinkAsync(HttpClient ingest, int session) => FormKitCreateAsync(ingest, "p-phone", session, new
    {
        instruments = new[] { new { instrument = "phq-9", timing = "pre" }, new { instrument = "wai-sr", timing = "post" } },
        rater = "client",
    });

    private static Task<FormLinkResponse> FormKitCreateAsync(HttpClient client, string patient, int session, object body) =>
        Forms.FormKit.CreateAsync(client, patient, session, body);

    private static async Task<List<string>> FormsAsync(HttpClient clinician, int session, string patient = "p-phone")
    {
        var revisions = (await clinician.GetFromJsonAsync<JsonObject>($"/api/v1/patients/{patient}/sessions/{session}/revisions"))!["revisions"]!.AsArray();
        return [.. revisions.Select(r => $"{r!["instrument"]}/{r["timing"]}/{((double)r["total"]!).ToString(CultureInfo.InvariantCulture)}/{r["revision"]}").Order()];
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
