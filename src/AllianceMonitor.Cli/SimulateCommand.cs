using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Cli;

public static class SimulateCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["patients", "seed", "out", "truth"]);
        var data = SessionSimulator.Simulate(options.RequiredPositiveInt("patients"), options.RequiredSeed("seed"));

        using (var writer = new StreamWriter(options.Required("out")))
        {
            CsvWriters.WriteObservations(writer, data.Observations);
        }

        if (options.Optional("truth") is { } truthPath)
        {
            using var writer = new StreamWriter(truthPath);
            CsvWriters.WriteRuptures(writer, data.Ruptures);
        }

        return 0;
    }
}
