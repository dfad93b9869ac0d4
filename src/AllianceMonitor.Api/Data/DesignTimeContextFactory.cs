using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AllianceMonitor.Api.Data;

/// <summary>
/// How the dotnet-ef tool builds the context. Without it the tool would run Program.cs, which may start the embedded
/// development cluster. Adding a migration and checking for pending model changes never open a connection, so the
/// placeholder is enough for them; <c>dotnet ef database update</c> reads <c>ConnectionStrings__AllianceDb</c>.
/// </summary>
internal sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<AllianceDbContext>
{
    private const string Placeholder = "Host=localhost;Database=alliancemonitor";

    public AllianceDbContext CreateDbContext(string[] args)
    {
        var connectionString = Environment.GetEnvironmentVariable($"ConnectionStrings__{DatabaseSetup.ConnectionName}");
        var options = new DbContextOptionsBuilder<AllianceDbContext>();
        DatabaseSetup.Configure(options, string.IsNullOrWhiteSpace(connectionString) ? Placeholder : connectionString);
        return new AllianceDbContext(options.Options);
    }
}
