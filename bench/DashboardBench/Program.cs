using System.Globalization;
using AllianceMonitor.Api.Tests.Browser;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

// Times the dashboard pages in headless Chromium against a running service (bench/dashboard/run.sh starts one with a
// 10,000-patient demo clinic). "Render" is navigation start to the load event, or to the chart's drawn mark on a
// patient page, whichever is later. The reference is the sign-in page in the same browser and run: the same layout,
// stylesheet and server, no clinic data. Pages are visited in rounds (each page once per round) after a warm-up.
// The form page (/f/{token}, a PHQ-9 step of a link run.sh makes) is timed by the signed-out browser, like the reference:
// it needs no session, and viewing it does not use the link up.
// Usage: DashboardBench <base-url> <clinician-key> [repeats] [form-url]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: DashboardBench <base-url> <clinician-key> [repeats] [form-url]");
    return 2;
}

var baseUrl = new Uri(args[0]);
var key = args[1];
var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
Uri? formUrl = args.Length > 3 ? new Uri(args[3]) : null;
List<string> profiles = [Directory.CreateTempSubdirectory("am-bench-signed-out-").FullName, Directory.CreateTempSubdirectory("am-bench-signed-in-").FullName];
// The reference page is loaded by a second browser that never signs in (a signed-in browser is sent on from /login).
using var signedOut = Chromium.Start(profiles[0]);
using var driver = Chromium.Start(profiles[1]);
var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));

driver.Navigate().GoToUrl(new Uri(baseUrl, "/login"));
driver.FindElement(By.Id("key")).SendKeys(key);
driver.FindElement(By.Id("sign-in")).Click();
wait.Until(d => d.FindElements(By.Id("open-alerts")).Count > 0);

var counts = string.Join(", ", driver.FindElements(By.CssSelector(".counts dl div")).Select(d => d.Text.Replace('\n', ' ')));
var patients = driver.FindElements(By.CssSelector("#open-alerts article.alert h3 a")).Select(a => a.GetAttribute("href")!).Distinct().ToList();

// The first overview fits the clinic's models; it is measured once, before anything else has warmed that cache.
var firstOverview = Visit(driver, new Uri(baseUrl, "/overview"), chart: false);

var pages = new List<Page>
{
    new("sign-in page (reference)", signedOut, _ => new Uri(baseUrl, "/login"), Chart: false),
    new("inbox, first page", driver, _ => new Uri(baseUrl, "/"), Chart: false),
    new("inbox, page 2", driver, _ => new Uri(baseUrl, "/?page=2"), Chart: false),
    new("inbox, ruptures only", driver, _ => new Uri(baseUrl, "/?kind=rupture"), Chart: false),
    new("patient view (a different patient each time)", driver, i => new Uri(patients[i % patients.Count]), Chart: true),
    new("patient list", driver, _ => new Uri(baseUrl, "/patients"), Chart: false),
    new("clinic overview, later views", driver, _ => new Uri(baseUrl, "/overview"), Chart: false),
};
if (formUrl is not null)
{
    pages.Insert(1, new("form page (client, first step)", signedOut, _ => formUrl, Chart: false));
}

// Warm-up loads (JIT, connection pools, browser caches) are not counted. Then every round visits every page once, so
// a slow spell of the machine falls on the reference and the pages alike instead of on whichever ran during it.
foreach (var page in pages)
{
    Visit(page.Browser, page.Url(repeats), page.Chart);
    Visit(page.Browser, page.Url(repeats + 1), page.Chart);
}

var timings = pages.ToDictionary(p => p, _ => new List<Timing>());
for (var round = 0; round < repeats; round++)
{
    foreach (var page in pages)
    {
        timings[page].Add(Visit(page.Browser, page.Url(round), page.Chart));
    }
}

var results = pages.Select(p => (p.Name, Runs: timings[p])).ToList();
results.Insert(results.Count - 1, ("clinic overview, first view (fits the models)", [firstOverview]));

var reference = Median(results[0].Runs.Select(r => r.RenderMs));
Console.WriteLine($"Clinic: {counts}");
Console.WriteLine($"Runs per page: {repeats}. Times in ms, from navigation start.");
Console.WriteLine();
Console.WriteLine("| page | runs | server (median) | render median | render p95 | render max | HTML kB | page kB (HTML, CSS, JS) | median / reference |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (page, runs) in results)
{
    var render = runs.Select(r => r.RenderMs).Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {page} | {runs.Count} | {Median(runs.Select(r => r.ServerMs)):0} | {Median(render):0} | {Percentile(render, 0.95):0} | {render[^1]:0} | {Median(runs.Select(r => r.HtmlBytes)) / 1024:0.0} | {Median(runs.Select(r => r.PageBytes)) / 1024:0.0} | {Median(render) / reference:0.0} |"));
}

signedOut.Quit();
driver.Quit();
profiles.ForEach(p => Directory.Delete(p, recursive: true));
return 0;

static Timing Visit(ChromeDriver driver, Uri url, bool chart)
{
    driver.Navigate().GoToUrl(url);
    var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));
    wait.Until(d => Convert.ToDouble(((IJavaScriptExecutor)d).ExecuteScript("return performance.getEntriesByType('navigation')[0].loadEventEnd;"), CultureInfo.InvariantCulture) > 0);
    if (chart)
    {
        wait.Until(d => d.FindElements(By.CssSelector("#alliance-chart[data-drawn]")).Count == 1);
    }

    var t = (IReadOnlyDictionary<string, object>)driver.ExecuteScript("""
        var n = performance.getEntriesByType('navigation')[0];
        var drawn = performance.getEntriesByName('chart-drawn');
        return { server: n.responseStart - n.requestStart, load: n.loadEventEnd, drawn: drawn.length ? drawn[0].startTime : 0, bytes: n.decodedBodySize };
        """)!;
    double D(string name) => Convert.ToDouble(t[name], CultureInfo.InvariantCulture);
    return new Timing(D("server"), Math.Max(D("load"), D("drawn")), D("bytes"), D("bytes") + AssetBytes(driver));
}

// The page's stylesheets and scripts, fetched once each: the browser's timing entries report 0 bytes for the ones it
// revalidated from its cache, which is every load after the first.
static double AssetBytes(ChromeDriver driver)
{
    var urls = (IReadOnlyCollection<object>)driver.ExecuteScript(
        "return Array.prototype.map.call(document.querySelectorAll('link[rel=stylesheet], script[src]'), function (e) { return e.href || e.src; });")!;
    return urls.Select(u => (string)u).Sum(u => Program.AssetSizes.GetOrAdd(u, url => Program.AssetClient.GetByteArrayAsync(url).GetAwaiter().GetResult().Length));
}

static double Median(IEnumerable<double> values) => Percentile(values.Order().ToList(), 0.5);

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

internal static partial class Program
{
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> AssetSizes = new();
    internal static readonly HttpClient AssetClient = new();
}

internal sealed record Timing(double ServerMs, double RenderMs, double HtmlBytes, double PageBytes);

internal sealed record Page(string Name, ChromeDriver Browser, Func<int, Uri> Url, bool Chart);
