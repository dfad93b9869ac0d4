using System.Net;
using System.Text.Json;
using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Dashboard;

/// <summary>The chart library the service serves is the one the lock file pins, from the service itself.</summary>
public sealed class ChartLibraryTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_served_chartjs_is_the_version_in_the_lock_file()
    {
        var assets = Path.Combine(Repository.Root(), "src", "AllianceMonitor.Api", "Dashboard", "assets");
        using var lockFile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(assets, "package-lock.json")));
        var locked = lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/chart.js").GetProperty("version").GetString();
        using var package = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(assets, "package.json")));
        Assert.Equal(locked, package.RootElement.GetProperty("dependencies").GetProperty("chart.js").GetString());

        var response = await factory.CreateClient().GetAsync("/lib/chartjs/chart.umd.min.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var header = (await response.Content.ReadAsStringAsync())[..200];
        Assert.Contains($"Chart.js v{locked}\n", header, StringComparison.Ordinal);
    }
}
