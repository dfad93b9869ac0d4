using AllianceMonitor.Api.Tests.Infrastructure;
using OpenQA.Selenium.Chrome;

namespace AllianceMonitor.Api.Tests.Browser;

/// <summary>
/// Debian's Chromium driven through Debian's ChromeDriver (packages chromium and chromium-driver; .ci/run installs
/// them). Both paths are explicit, so Selenium never downloads a browser or a driver. Missing ones fail the test.
/// </summary>
public static class Chromium
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverPath = "/usr/bin/chromedriver";

    /// <summary>
    /// How long a test waits for a page to show what it expects. It only bounds a failing test, so it is the driver's own
    /// command timeout rather than the 20 s some tests had: a page load on a loaded CI machine must not fail a test.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static ChromeDriver Start(string userDataDir)
    {
        if (!File.Exists(BrowserPath) || !File.Exists(DriverPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {BrowserPath} and ChromeDriver at {DriverPath}: " +
                "apt-get install -y chromium chromium-driver (.ci/run does this on a fresh machine).");
        }

        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1024,1366", $"--user-data-dir={userDataDir}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, Patience);
    }

    /// <summary>Where screenshots go: artifacts/screenshots at the repository root (git-ignored).</summary>
    public static string ScreenshotDirectory()
    {
        var path = Path.Combine(Repository.Root(), "artifacts", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
