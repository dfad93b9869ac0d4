using System.CommandLine;
using System.Globalization;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.CommandLine;

namespace AllianceMonitor.Cli;

/// <summary>
/// Replays every patient's sessions in order through the same detector the service runs on each new session and
/// prints one CSV row per alert raised. Severity: 1 repaired rupture or low alliance, 2 open rupture, 3 unrepaired.
/// </summary>
public static class RupturesCommand
{
    public const string Header = "patient_id,session,kind,severity,observed,baseline,z";

    public static Command Create(CliContext context)
    {
        var input = InputOption.Create();
        var instrument = new Option<string>("--instrument")
        {
            Description = "The alliance instrument whose scores the alliance column holds: wai-sr or srs.",
            HelpName = "wai-sr|srs",
            DefaultValueFactory = _ => InstrumentCatalog.DefaultAlliance.Code,
        };
        var calibration = new Option<string>("--calibration")
        {
            Description = "data: calibrate the detector on this file, as the service does on a clinic's ratings; "
                + "default: the instrument's published defaults.",
            HelpName = "data|default",
            DefaultValueFactory = _ => "data",
        };
        var k = new Option<string>("--k")
        {
            Description = "The detector's threshold in prediction SDs (a positive number); the service's default when left out.",
            HelpName = "K",
        };
        var command = new Command(
            "ruptures",
            "Replay each patient's sessions through the service's rupture detector and print one CSV row per alert on stdout: "
            + Header + ". Severity: 1 repaired rupture or low alliance, 2 open rupture, 3 unrepaired.")
        {
            input, instrument, calibration, k,
        };
        command.WithExamples(
            "alliance-monitor ruptures --input clinic.csv > alerts.csv",
            "alliance-monitor ruptures --input clinic.csv --instrument srs --calibration default --k 2.5");
        command.SetAction(parsed =>
        {
            using var progress = context.StartProgress(parsed);
            return Run(
                parsed.GetRequiredValue(input),
                parsed.GetRequiredValue(instrument),
                parsed.GetRequiredValue(calibration),
                parsed.GetValue(k),
                parsed.InvocationConfiguration.Output,
                progress);
        });
        return command;
    }

    private static int Run(string path, string instrumentCode, string calibration, string? k, TextWriter stdout, ConsoleProgress progress)
    {
        var instrument = InstrumentCatalog.Find(instrumentCode) is { MeasuresAlliance: true } found
            ? found
            : throw new InputException($"Option --instrument: '{instrumentCode}' is not an alliance instrument ({string.Join(" or ", InstrumentCatalog.Alliance.Select(i => i.Code))}).");
        var settings = k is null
            ? DetectorSettings.Default
            : DetectorSettings.Default with { K = double.TryParse(k, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new InputException("Option --k must be a positive number.") };

        var observations = CsvObservationReader.ReadFile(path, progress);
        var calibrateOnData = calibration switch
        {
            "data" => true,
            "default" => false,
            var other => throw new InputException($"Option --calibration: '{other}' is not data or default."),
        };

        var patients = observations.Where(o => o.Alliance.HasValue).Select(o => o.PatientId).Distinct(StringComparer.Ordinal).Count();
        progress.Begin("replaying the detector", "patients", patients);
        var replay = ClinicReplay.Run(instrument, observations, settings, calibrateOnData, done => progress.Advance(done));

        using var csv = CsvWriters.Open(stdout);
        csv.WriteHeader(Header.Split(','));
        foreach (var patient in replay.Patients)
        {
            foreach (var alert in patient.Alerts)
            {
                var e = alert.Evidence;
                csv.WriteRecord([
                    patient.PatientId,
                    alert.Session.ToString(CultureInfo.InvariantCulture),
                    alert.Kind.StoredName(),
                    alert.Severity.ToString(CultureInfo.InvariantCulture),
                    CsvWriters.Number(e.Observed),
                    CsvWriters.Number(e.Baseline),
                    CsvWriters.Number(e.DropInSds),
                ]);
            }
        }

        return ExitCodes.Ok;
    }
}
