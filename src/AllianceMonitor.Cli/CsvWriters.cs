using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Simulation;

namespace AllianceMonitor.Cli;

public static class CsvWriters
{
    public static void WriteObservations(TextWriter writer, IEnumerable<SessionObservation> observations)
    {
        writer.Write("patient_id,therapist_id,session,alliance,symptoms\n");
        foreach (var o in observations)
        {
            writer.Write(string.Join(
                ',',
                o.PatientId,
                o.TherapistId ?? string.Empty,
                o.Session.ToString(CultureInfo.InvariantCulture),
                o.Alliance?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty,
                o.Symptoms?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty));
            writer.Write('\n');
        }
    }

    public static void WriteRuptures(TextWriter writer, IEnumerable<RuptureSession> ruptures)
    {
        writer.Write("patient_id,session\n");
        foreach (var r in ruptures)
        {
            writer.Write($"{r.PatientId},{r.Session.ToString(CultureInfo.InvariantCulture)}\n");
        }
    }
}
