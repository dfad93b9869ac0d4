using System.Globalization;
using AllianceMonitor.Api.Tests.Browser;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

// Times the dashboard pages in headless Chromium against a running service (bench/dashboard/run.sh starts one with a
// 10,000-patient demo clinic). "Render" is navigation start to the load event, or to the chart's drawn mark on a
// patient page, whichever is later. The reference is the sign-in page in the same browser and run: the same layout,
// stylesheet and server, no clinic data.
// Usage: DashboardBench <base-url> <clinician-key> [repeats]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: DashboardBench <base-url> <clinician-key> [repeats]");
    return 2;
}

var baseUrl = new Uri(args[0]);
var key = args[1];
var repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var profile = Directory.CreateTempSubdirectory("am-bench-chromium-").FullName;
using var driver = Chromium.Start(profile);
var wait = new WebDriverWait(driver, TimeSpan.FromSeconds(60));

var results = new List<(string Page, List<Timing> Runs)>();
results.Add(("sign-in page (reference)", Repeat(repeats, _ => Visit(driver, new Uri(baseUrl, "/login"), chart: false))));

driver.Navigate().GoToUrl(new Uri(baseUrl, "/login"));
driver.FindElement(By.Id("key")).SendKeys(key);
driver.FindElement(By.Id("sign-in")).Click();
wait.Until(d => d.FindElements(By.Id("open-alerts")).Count > 0);

var counts = string.Join(", ", driver.FindElements(By.CssSelector(".counts dl div")).Select(d => d.Text.Replace('\n', ' ')));
var patients = driver.FindElements(By.CssSelector("#open-alerts article.alert h3 a")).Select(a => a.GetAttribute("href")!).Distinct().ToList();

results.Add(("inbox, first page", Repeat(repeats, _ => Visit(driver, new Uri(baseUrl, "/"), chart: false))));
results.Add(("inbox, page 2", Repeat(repeats, _ => Visit(driver, new Uri(baseUrl, "/?page=2"), chart: false))));
results.Add(("inbox, ruptures only", Repeat(repeats, _ => Visit(driver, new Uri(baseUrl, "/?kind=rupture"), chart: false))));
results.Add(("patient view (a different patient each time)", Repeat(Math.Min(repeats, patients.Count), i => Visit(driver, new Uri(patients[i]), chart: true))));
results.Add(("patient list", Repeat(repeats, _ => Visit(driver, new Uri(baseUrl, "/patients"), chart: false))));
results.Add(("clinic overview, first view (fits the models)", [Visit(driver, new Uri(baseUrl, "/overview"), chart: false)]));
results.Add(("clinic overview, later views", Repeat(repeats, _ => Visit(driver, new Uri(baseUrl, "/overview"), chart: false))));

var reference = Median(results[0].Runs.Select(r => r.RenderMs));
Console.WriteLine($"Clinic: {counts}");
Console.WriteLine($"Runs per page: {repeats}. Times in ms, from navigation start.");
Console.WriteLine();
Console.WriteLine("| page | runs | server (median) | render median | render p95 | render max | HTML kB | median / reference |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (page, runs) in results)
{
    var render = runs.Select(r => r.RenderMs).Order().ToList();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {page} | {runs.Count} | {Median(runs.Select(r => r.ServerMs)):0} | {Median(render):0} | {Percentile(render, 0.95):0} | {render[^1]:0} | {Median(runs.Select(r => r.HtmlBytes)) / 1024:0} | {Median(render) / reference:0.0} |"));
}

driver.Quit();
Directory.Delete(profile, recursive: true);
return 0;

static List<Timing> Repeat(int times, Func<int, Timing> run) => Enumerable.Range(0, times).Select(run).ToList();

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
    return new Timing(D("server"), Math.Max(D("load"), D("drawn")), D("bytes"));
}

static double Median(IEnumerable<double> values) => Percentile(values.Order().ToList(), 0.5);

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

internal sealed record Timing(double ServerMs, double RenderMs, double HtmlBytes);
