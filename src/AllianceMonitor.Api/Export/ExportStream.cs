using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Observability;
using Npgsql;

namespace AllianceMonitor.Api.Export;

/// <summary>
/// Streams the export: reads the query one row at a time and writes each row to the response as it comes, so memory
/// stays constant whatever the size. The row count goes to the export log when the stream ends, in its own statement:
/// <c>completed</c> with the rows written, <c>aborted</c> with the rows written before the client went away, or
/// <c>failed</c> (a database error after the response started). A process that dies mid-stream leaves <c>started</c>.
/// </summary>
public sealed partial class ExportStream(
    NpgsqlDataSource dataSource, Guid clinicId, ExportFilter filter, string format, Pseudonyms pseudonyms, Guid exportId,
    ILogger<ExportStream> logger) : IResult
{
    private const int FlushEvery = 256;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var http = httpContext;
        http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"sessions.{format}\"";
        http.Response.Headers.CacheControl = "no-store";
        var aborted = http.RequestAborted;
        long rows = 0;
        var status = ExportStatus.Failed;
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(aborted);
            await using var command = ExportSql.Command(connection, clinicId, filter);
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, aborted);
            var body = http.Response.BodyWriter;
            var row = new RowBuilder(pseudonyms, format);
            if (format == "csv")
            {
                Write(body, row.Header());
            }

            var clientGone = false;
            while (await reader.ReadAsync(aborted))
            {
                Write(body, row.Build(reader));
                rows++;
                if (rows % FlushEvery == 0 && (await body.FlushAsync(aborted)).IsCompleted)
                {
                    // The client stopped reading: the rows counted so far include some it may never have received.
                    clientGone = true;
                    break;
                }
            }

            await body.FlushAsync(aborted);
            status = clientGone || aborted.IsCancellationRequested ? ExportStatus.Aborted : ExportStatus.Completed;
        }
        catch (Exception e) when (aborted.IsCancellationRequested && e is OperationCanceledException or IOException or NpgsqlException)
        {
            status = ExportStatus.Aborted;
        }
        finally
        {
            // Never the rows or ids: only how the export ended and how many rows it wrote.
            LogEnded(logger, exportId, status, rows);
            Telemetry.ExportRows.Add(rows, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("status", status));
            await RecordAsync(status, rows);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} {Status} after {Rows} rows")]
    private static partial void LogEnded(ILogger logger, Guid exportId, string status, long rows);

    private async Task RecordAsync(string status, long rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand(
            "UPDATE export_log SET status = @status, row_count = @rows, completed_at = now() WHERE id = @id", connection);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("rows", rows);
        command.Parameters.AddWithValue("id", exportId);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static void Write(IBufferWriter<byte> body, StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            Encoding.UTF8.GetBytes(chunk.Span, body);
        }
    }

    /// <summary>Formats one row; reuses one buffer and caches the pseudonym of the current patient and of each therapist.</summary>
    private sealed class RowBuilder(Pseudonyms pseudonyms, string format)
    {
        private readonly StringBuilder _text = new(1024);
        private readonly Dictionary<Guid, string> _therapists = [];
        private readonly string[] _names = Codebook.Columns.Select(c => c.Name).ToArray();
        private readonly string[] _jsonNames = Codebook.Columns.Select(c => JsonSerializer.Serialize(c.Name)).ToArray();
        private Guid _patient;
        private string _patientPseudonym = "";

        public StringBuilder Header()
        {
            _text.Clear().AppendJoin(',', _names).Append('\n');
            return _text;
        }

        public StringBuilder Build(NpgsqlDataReader reader)
        {
            _text.Clear();
            if (format == "jsonl")
            {
                _text.Append('{');
            }

            var pid = reader.GetGuid(ExportSql.PatientOrdinal);
            if (pid != _patient || _patientPseudonym.Length == 0)
            {
                _patient = pid;
                _patientPseudonym = pseudonyms.Of('p', pid);
            }

            string? therapist = null;
            if (!reader.IsDBNull(ExportSql.TherapistOrdinal))
            {
                var tid = reader.GetGuid(ExportSql.TherapistOrdinal);
                if (!_therapists.TryGetValue(tid, out therapist))
                {
                    therapist = _therapists[tid] = pseudonyms.Of('t', tid);
                }
            }

            var c = 0;
            AppendText(c++, _patientPseudonym);
            AppendText(c++, therapist);
            AppendLong(c++, reader.GetInt32(ExportSql.SessionOrdinal));
            AppendLong(c++, reader.IsDBNull(ExportSql.DayOrdinal) ? null : reader.GetInt32(ExportSql.DayOrdinal));
            AppendText(c++, reader.IsDBNull(ExportSql.ModalityOrdinal) ? null : reader.GetString(ExportSql.ModalityOrdinal));
            var numbers = ExportSql.ScoreColumns.Count + 12;
            for (var i = 0; i < numbers; i++, c++)
            {
                var ordinal = ExportSql.ScoresOrdinal + i;
                AppendNumber(c, reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal));
            }

            var kindsOrdinal = ExportSql.ScoresOrdinal + numbers;
            AppendText(c++, reader.IsDBNull(kindsOrdinal) ? null : reader.GetString(kindsOrdinal));
            AppendLong(c++, reader.IsDBNull(kindsOrdinal + 1) ? null : reader.GetInt32(kindsOrdinal + 1));
            for (var i = 0; i < ExportSql.ChangeStatusInstruments.Count; i++, c++)
            {
                var ordinal = kindsOrdinal + 2 + i;
                AppendText(c, reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal));
            }

            var agreementOrdinal = kindsOrdinal + 2 + ExportSql.ChangeStatusInstruments.Count;
            var agreementNumbers = ExportSql.TherapistRatedForms.Count + ExportSql.AgreementNumbers;
            for (var i = 0; i < agreementNumbers; i++, c++)
            {
                var ordinal = agreementOrdinal + i;
                AppendNumber(c, reader.IsDBNull(ordinal) ? null : reader.GetDouble(ordinal));
            }

            _text.Append(format == "jsonl" ? "}\n" : "\n");
            return _text;
        }

        private void Separator(int column)
        {
            if (format == "jsonl")
            {
                _text.Append(column == 0 ? "" : ",").Append(_jsonNames[column]).Append(':');
            }
            else if (column > 0)
            {
                _text.Append(',');
            }
        }

        private void Null()
        {
            if (format == "jsonl")
            {
                _text.Append("null");
            }
        }

        // Pseudonyms are hex, modalities, alert kinds and change statuses come from closed lists: none needs quoting in CSV or escaping in JSON.
        private void AppendText(int column, string? value)
        {
            Separator(column);
            if (value is null)
            {
                Null();
            }
            else if (format == "jsonl")
            {
                _text.Append('"').Append(value).Append('"');
            }
            else
            {
                _text.Append(value);
            }
        }

        private void AppendLong(int column, long? value)
        {
            Separator(column);
            if (value is { } v)
            {
                _text.Append(CultureInfo.InvariantCulture, $"{v}");
            }
            else
            {
                Null();
            }
        }

        private void AppendNumber(int column, double? value)
        {
            Separator(column);
            if (value is { } v)
            {
                // Shortest round-trip form, formatted into the row buffer without a string per cell.
                _text.Append(CultureInfo.InvariantCulture, $"{v:R}");
            }
            else
            {
                Null();
            }
        }
    }
}
