using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Simulation;
using CsvHelper;

namespace AllianceMonitor.Cli;

/// <summary>The CLI's CSV output, written by CsvHelper so ids with commas, quotes or line breaks are quoted (RFC 4180).</summary>
public static class CsvWriters
{
    /// <summary>
    /// LF line ends, as the CLI always wrote. No formula protection: a leading '=' or '-' in an id is kept as it is,
    /// so a file reads back to the same ids (and "-1.5" stays a number).
    /// </summary>
    public static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        NewLine = "\n",
        Injection = CsvInjection.None,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static CsvWriter Open(TextWriter writer) => CsvWriter.Create(writer, Options, leaveOpen: true);

    /// <param name="therapistRatings">Adds the <c>therapist_alliance</c> column (the therapist's rating of the session's alliance).</param>
    public static void WriteObservations(TextWriter writer, IEnumerable<SessionObservation> observations, bool therapistRatings = false)
    {
        using var csv = Open(writer);
        string[] header = ["patient_id", "therapist_id", "session", "alliance", "symptoms"];
        csv.WriteHeader(therapistRatings ? [.. header, CsvObservationReader.TherapistAllianceColumn] : header);
        foreach (var o in observations)
        {
            string[] record = [
                o.PatientId,
                o.TherapistId ?? string.Empty,
                o.Session.ToString(CultureInfo.InvariantCulture),
                Number(o.Alliance),
                Number(o.Symptoms),
            ];
            csv.WriteRecord(therapistRatings ? [.. record, Number(o.TherapistAlliance)] : record);
        }
    }

    public static void WriteRuptures(TextWriter writer, IEnumerable<RuptureSession> ruptures)
    {
        using var csv = Open(writer);
        csv.WriteHeader(["patient_id", "session"]);
        foreach (var r in ruptures)
        {
            csv.WriteRecord([r.PatientId, r.Session.ToString(CultureInfo.InvariantCulture)]);
        }
    }

    /// <summary>The shortest text that reads back as the same double; empty for a missing value.</summary>
    public static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;
}
