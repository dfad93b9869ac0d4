using AllianceMonitor.Api.Hosting;

var command = CommandModes.Parse(args, Console.Out, Console.Error);
if (command.Mode == ServiceMode.Done)
{
    return command.ExitCode;
}

var builder = WebApplication.CreateBuilder(command.HostArguments);
if (!await builder.TryUseDevelopmentDatabaseAsync())
{
    return 1;
}

builder.AddAllianceMonitor();
var app = builder.Build();
if (command.Mode == ServiceMode.Migrate)
{
    await CommandModes.MigrateAsync(app.Services);
    return 0;
}

if (!await app.PrepareAsync(seedDemo: command.SeedDemo))
{
    return 1;
}

app.MapAllianceMonitor();
await app.RunAsync();
return 0;

/// <summary>Entry point, public so the integration tests can host the service.</summary>
public partial class Program;
