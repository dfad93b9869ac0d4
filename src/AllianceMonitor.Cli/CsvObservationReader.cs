using System.Globalization;
using AllianceMonitor.Analysis.Data;

namespace AllianceMonitor.Cli;

/// <summary>
/// Reads <c>patient_id,therapist_id,session,alliance,symptoms</c> (any column order, extra columns
/// ignored, an empty cell is a missing value). Errors name the row (the file's line number, header = 1)
/// and the column.
/// </summary>
public static class CsvObservationReader
{
    private static readonly string[] RequiredColumns = ["patient_id", "therapist_id", "session", "alliance", "symptoms"];

    public static IReadOnlyList<SessionObservation> Read(TextReader reader, string source)
    {
        var header = reader.ReadLine() ?? throw new InputException($"{source}: row 1: the file is empty; expected a header.");
        var names = SplitLine(header, source, 1);
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

        var observations = new List<SessionObservation>();
        var seen = new Dictionary<(string, int), int>();

        // One string instance per distinct id: a clinic has thousands of patients but millions of rows.
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Shared(string id) => ids.TryGetValue(id, out var existing) ? existing : ids[id] = id;
        var row = 1;
        while (reader.ReadLine() is { } line)
        {
            row++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = SplitLine(line, source, row);
            string Cell(string column) => index[column] < cells.Count ? cells[index[column]].Trim() : string.Empty;

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
            observations.Add(new SessionObservation(
                patient,
                therapist.Length == 0 ? null : Shared(therapist),
                session,
                ParseOptional(Cell("alliance"), source, row, "alliance"),
                ParseOptional(Cell("symptoms"), source, row, "symptoms")));
        }

        return observations;
    }

    private static double? ParseOptional(string text, string source, int row, string column)
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

    /// <summary>RFC 4180 fields on one line (quoted fields may contain commas and doubled quotes, not newlines).</summary>
    private static List<string> SplitLine(string line, string source, int row)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(current.ToString());
                current.Clear();
            }
            else if (ch != '\r')
            {
                current.Append(ch);
            }
        }

        if (quoted)
        {
            throw new InputException($"{source}: row {row}: unterminated quoted field.");
        }

        cells.Add(current.ToString());
        return cells;
    }
}
