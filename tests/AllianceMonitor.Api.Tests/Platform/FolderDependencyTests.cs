using AllianceMonitor.Api.Tests.Infrastructure;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>
/// The folders of the Api project depend on each other in one direction only: no feature reaches back into a
/// feature that uses it. Shared reads live in services both call (Series, Calibrations, Data.PatientStore).
/// </summary>
public sealed class FolderDependencyTests
{
    [Fact]
    public void The_folders_of_the_api_have_no_dependency_cycle()
    {
        var edges = FolderDependencies.Of(typeof(Program).Assembly);

        var cycle = FolderDependencies.FindCycle(edges.Keys);

        Assert.True(cycle is null, cycle is null ? "" : Describe(cycle, edges));
    }

    [Fact]
    public void The_graph_reads_real_uses_from_signatures_and_method_bodies()
    {
        var edges = FolderDependencies.Of(typeof(Program).Assembly);

        // A constructor parameter (SessionWriter takes AlertSync), a static call inside an async method (the session
        // endpoints call Caller.ClinicOf), and a type used only inside a lambda (the startup stops the embedded cluster).
        Assert.Contains(("Sessions", "Alerts"), edges.Keys);
        Assert.Contains(("Sessions", "Auth"), edges.Keys);
        Assert.Contains(("Hosting", "Development"), edges.Keys);
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        (string, string)[] edges = [("Alerts", "Calibrations"), ("Calibrations", "Series"), ("Series", "Data"), ("Calibrations", "Alerts")];

        Assert.Equal(["Alerts", "Calibrations", "Alerts"], FolderDependencies.FindCycle(edges));
        Assert.Null(FolderDependencies.FindCycle(edges[..3]));
    }

    private static string Describe(List<string> cycle, Dictionary<(string From, string To), string> edges) =>
        "Folder cycle: " + string.Join(" → ", cycle) + Environment.NewLine
        + string.Join(Environment.NewLine, cycle.Zip(cycle.Skip(1)).Select(step => $"  {step.First} → {step.Second}: {edges[step]}"));
}
