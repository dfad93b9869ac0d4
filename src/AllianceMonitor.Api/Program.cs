using AllianceMonitor.Api.Hosting;

if (CommandModes.RunWithoutHost(args) is { } printed)
{
    return printed;
}

var builder = WebApplication.CreateBuilder(CommandModes.HostArguments(args));
if (!await builder.TryUseDevelopmentDatabaseAsync())
{
    return 1;
}

builder.AddAllianceMonitor();
var app = builder.Build();
if (await CommandModes.RunOnHostAsync(app, args) is { } done)
{
    return done;
}

await app.PrepareAsync(seedDemo: CommandModes.SeedsDemo(args));
app.MapAllianceMonitor();
await app.RunAsync();
return 0;

/// <summary>Entry point, public so the integration tests can host the service.</summary>
public partial class Program;
