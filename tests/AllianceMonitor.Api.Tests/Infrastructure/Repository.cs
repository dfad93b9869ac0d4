namespace AllianceMonitor.Api.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The folder holding AllianceMonitor.sln, found upwards from the test binaries.</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AllianceMonitor.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("AllianceMonitor.sln not found above " + AppContext.BaseDirectory);
    }
}
