using System.CommandLine;
using System.Globalization;
using AllianceMonitor.Analysis.Simulation;
using AllianceMonitor.CommandLine;

namespace AllianceMonitor.Cli;

public static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var patients = new Option<string>("--patients") { Description = "How many patients to simulate (a positive integer).", HelpName = "N", Required = true };
        var seed = new Option<string>("--seed") { Description = "Random seed (a non-negative integer); the same seed gives the same file.", HelpName = "S", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the sessions (the CSV that analyze and ruptures read).", HelpName = "FILE.csv", Required = true };
        var truth = new Option<string>("--truth") { Description = "Where to write the injected ruptures: patient_id,session.", HelpName = "TRUTH.csv" };
        var therapistRatings = new Option<bool>("--therapist-ratings")
        {
            Description = "Also simulate the therapist's rating of each session's alliance (lower on average, registering half of the "
                + "client's dips) and write it as a therapist_alliance column; the other columns stay as without the option.",
        };
        var disagreement = new Option<string>("--disagreement-effect")
        {
            Description = "With --therapist-ratings: PHQ-9 points added at the next session per squared point of client-minus-therapist "
                + "difference (a known a4 = 4 x this value for the agreement model). Default 0.",
            HelpName = "K",
        };
        var command = new Command(
            "simulate",
            "Simulate a clinic's session ratings (alliance and symptoms with lagged effects and injected ruptures) as CSV.")
        {
            patients, seed, output, truth, therapistRatings, disagreement,
        };
        command.WithExamples(
            "alliance-monitor simulate --patients 300 --seed 7 --out clinic.csv",
            "alliance-monitor simulate --patients 5000 --seed 1 --out big.csv --truth truth.csv",
            "alliance-monitor simulate --patients 400 --seed 3 --out agreement.csv --therapist-ratings --disagreement-effect 1.5");
        command.SetAction(parsed =>
        {
            using var progress = context.StartProgress(parsed);
            var count = int.TryParse(parsed.GetRequiredValue(patients), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new InputException("Option --patients must be a positive integer.");
            var seedValue = ulong.TryParse(parsed.GetRequiredValue(seed), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                ? s
                : throw new InputException("Option --seed must be a non-negative integer.");
            var parameters = Parameters(parsed.GetValue(therapistRatings), parsed.GetValue(disagreement));
            return Run(count, seedValue, parsed.GetRequiredValue(output), parsed.GetValue(truth), parameters, progress);
        });
        return command;
    }

    private static SimulationParameters Parameters(bool therapistRatings, string? disagreement)
    {
        if (disagreement is null)
        {
            return new SimulationParameters(TherapistRatings: therapistRatings);
        }

        if (!therapistRatings)
        {
            throw new InputException("Option --disagreement-effect needs --therapist-ratings.");
        }

        return double.TryParse(disagreement, NumberStyles.Float, CultureInfo.InvariantCulture, out var k) && double.IsFinite(k)
            ? new SimulationParameters(TherapistRatings: true, DisagreementEffect: k)
            : throw new InputException($"Option --disagreement-effect: '{disagreement}' is not a number.");
    }

    private static int Run(int patients, ulong seed, string outPath, string? truthPath, SimulationParameters parameters, ConsoleProgress progress)
    {
        progress.Begin($"simulating {patients.ToString("N0", CultureInfo.InvariantCulture)} patients");
        var data = SessionSimulator.Simulate(patients, seed, parameters);

        progress.Begin($"writing {Path.GetFileName(outPath)}");
        using (var writer = new StreamWriter(outPath))
        {
            CsvWriters.WriteObservations(writer, data.Observations, parameters.TherapistRatings);
        }

        if (truthPath is not null)
        {
            using var writer = new StreamWriter(truthPath);
            CsvWriters.WriteRuptures(writer, data.Ruptures);
        }

        return ExitCodes.Ok;
    }
}
