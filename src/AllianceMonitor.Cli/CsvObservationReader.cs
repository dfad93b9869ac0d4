using System.Globalization;
using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Models;
using AllianceMonitor.CommandLine;
using CsvHelper;

namespace AllianceMonitor.Cli;

/// <summary>
/// Reads <c>patient_id,therapist_id,session,alliance,symptoms</c> (any column order, extra columns ignored, an empty
/// cell is a missing value) with CsvHelper, so quoted ids with commas, quotes or line breaks read as written. Errors
/// name the row (the file's line number where the record starts, header = 1) and the column. An optional
/// <c>modality</c> column (video, phone, in_person or empty) feeds the modality moderation, and an optional
/// <c>therapist_alliance</c> column (the therapist's rating of the session, on the alliance column's scale) the agreement model.
/// </summary>
public static class CsvObservationReader
{
    private static readonly string[] RequiredColumns = ["patient_id", "therapist_id", "session", "alliance", "symptoms"];

    /// <summary>RFC 4180 as written by spreadsheets and by <see cref="CsvWriters"/>; malformed quoting is an error, not a guess.</summary>
    public static readonly CsvReaderOptions Options = CsvReaderOptions.Default with
    {
        TrimWhitespace = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        SkipEmptyLines = true,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static IReadOnlyList<SessionObservation> ReadFile(string path, ConsoleProgress progress) => ReadFileWithModality(path, progress).Observations;

    /// <summary>The observations, and each one's modality when the file has a <c>modality</c> column (else null).</summary>
    public static ObservationFile ReadFileWithModality(string path, ConsoleProgress progress)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"{path}: file not found.");
        }

        using var reader = new StreamReader(path);
        progress.Begin($"reading {Path.GetFileName(path)}", "rows");
        return ReadWithModality(reader, path, progress);
    }

    public static IReadOnlyList<SessionObservation> Read(TextReader reader, string source, ConsoleProgress? progress = null) =>
        ReadWithModality(reader, source, progress).Observations;

    public static ObservationFile ReadWithModality(TextReader reader, string source, ConsoleProgress? progress = null)
    {
        using var csv = CsvReader.Create(reader, Options, leaveOpen: true);
        try
        {
            return ReadRecords(csv, source, progress);
        }
        catch (CsvFormatException e)
        {
            throw new InputException($"{source}: row {e.LineNumber}: the CSV is malformed ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static ObservationFile ReadRecords(CsvReader csv, string source, ConsoleProgress? progress)
    {
        var index = ColumnIndex(csv.Headers, source);
        var observations = new List<SessionObservation>();
        var modalities = index.ContainsKey(ModalityColumn) ? new Dictionary<SessionObservation, string?>() : null;
        var seen = new Dictionary<(string, int), long>();

        // One string instance per distinct id: a clinic has thousands of patients but millions of rows.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string id) => ids.TryGetValue(id, out var existing) ? existing : ids[id] = id;
        while (csv.Read())
        {
            var row = csv.LineNumber;
            string Cell(string column) => csv.GetString(index[column]) ?? string.Empty;

            var patient = Shared(Cell("patient_id"));
            if (patient.Length == 0)
            {
                throw new InputException($"{source}: row {row}, column patient_id: empty.");
            }

            var sessionText = Cell("session");
            if (!int.TryParse(sessionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var session))
            {
                throw new InputException($"{source}: row {row}, column session: '{sessionText}' is not an integer.");
            }

            if (session < 1)
            {
                throw new InputException($"{source}: row {row}, column session: {session} is below 1.");
            }

            if (!seen.TryAdd((patient, session), row))
            {
                throw new InputException(
                    $"{source}: row {row}, column session: patient {patient} already has session {session} (row {seen[(patient, session)]}).");
            }

            var therapist = Cell("therapist_id");
            var observation = new SessionObservation(
                patient,
                therapist.Length == 0 ? null : Shared(therapist),
                session,
                ParseOptional(Cell("alliance"), source, row, "alliance"),
                ParseOptional(Cell("symptoms"), source, row, "symptoms"),
                index.ContainsKey(TherapistAllianceColumn) ? ParseOptional(Cell(TherapistAllianceColumn), source, row, TherapistAllianceColumn) : null);
            observations.Add(observation);
            if (modalities is not null)
            {
                modalities[observation] = ParseModality(Cell(ModalityColumn), source, row);
            }

            progress?.Advance(observations.Count);
        }

        return new ObservationFile(observations, modalities);
    }

    private const string ModalityColumn = "modality";

    public const string TherapistAllianceColumn = "therapist_alliance";

    private static string? ParseModality(string text, string source, long row)
    {
        if (text.Length == 0)
        {
            return null;
        }

        return ModalityModeration.Levels.FirstOrDefault(l => l == text)
            ?? throw new InputException($"{source}: row {row}, column modality: '{text}' is not {string.Join(", ", ModalityModeration.Levels)} or empty.");
    }

    private static Dictionary<string, int> ColumnIndex(IReadOnlyList<string> names, string source)
    {
        if (names.Count == 0)
        {
            throw new InputException($"{source}: row 1: the file is empty; expected a header.");
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < names.Count; c++)
        {
            index.TryAdd(names[c].Trim(), c);
        }

        foreach (var required in RequiredColumns)
        {
            if (!index.ContainsKey(required))
            {
                throw new InputException($"{source}: row 1, column {required}: missing from the header.");
            }
        }

        return index;
    }

    private static double? ParseOptional(string text, string source, long row, string column)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        throw new InputException($"{source}: row {row}, column {column}: '{text}' is not a number.");
    }
}

/// <summary>A CSV's observations; <c>Modality</c> is null when the file has no modality column.</summary>
public sealed record ObservationFile(IReadOnlyList<SessionObservation> Observations, IReadOnlyDictionary<SessionObservation, string?>? Modality);
