using System.Globalization;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;

namespace AllianceMonitor.Cli;

/// <summary>
/// Replays every patient's sessions in order through the same detector the service runs on each new session and
/// prints one CSV row per alert raised. Severity: 1 repaired rupture or low alliance, 2 open rupture, 3 unrepaired.
/// </summary>
public static class RupturesCommand
{
    public const string Header = "patient_id,session,kind,severity,observed,baseline,z";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout)
    {
        var options = CommandLineOptions.Parse(args, ["input", "instrument", "calibration", "k"]);
        var path = options.Required("input");
        var instrumentCode = options.Optional("instrument") ?? InstrumentCatalog.DefaultAlliance.Code;
        var instrument = InstrumentCatalog.Find(instrumentCode) is { MeasuresAlliance: true } found
            ? found
            : throw new InputException($"Option --instrument: '{instrumentCode}' is not an alliance instrument ({string.Join(" or ", InstrumentCatalog.Alliance.Select(i => i.Code))}).");
        var settings = options.Optional("k") is { } k
            ? DetectorSettings.Default with { K = double.TryParse(k, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new InputException("Option --k must be a positive number.") }
            : DetectorSettings.Default;

        if (!File.Exists(path))
        {
            throw new InputException($"{path}: file not found.");
        }

        using var reader = new StreamReader(path);
        var observations = CsvObservationReader.Read(reader, path);
        var calibrateOnData = (options.Optional("calibration") ?? "data") switch
        {
            "data" => true,
            "default" => false,
            var other => throw new InputException($"Option --calibration: '{other}' is not data or default."),
        };

        stdout.Write(Header + "\n");
        foreach (var patient in ClinicReplay.Run(instrument, observations, settings, calibrateOnData).Patients)
        {
            foreach (var alert in patient.Alerts)
            {
                var e = alert.Evidence;
                stdout.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{patient.PatientId},{alert.Session},{alert.Kind.StoredName()},{alert.Severity},{e.Observed:R},{e.Baseline:R},{e.DropInSds:R}\n"));
            }
        }

        return 0;
    }
}
