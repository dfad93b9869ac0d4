using AllianceMonitor.Analysis.Data;
using AllianceMonitor.Analysis.Tests.Support;
using AllianceMonitor.Cli;

namespace AllianceMonitor.Analysis.Tests.Cli;

/// <summary>Ids with commas, quotes and leading signs survive reading and writing (RFC 4180 both ways).</summary>
public sealed class CsvQuotingTests
{
    private const string Header = "patient_id,therapist_id,session,alliance,symptoms\n";

    [Fact]
    public void Ruptures_writes_a_quoted_id_back_quoted_with_seven_fields_per_row()
    {
        var sessions = string.Concat(new[] { 4.5, 4.5, 4.5, 3.5, 4.5 }.Select((a, i) => $"\"clinic A, p1\",\"t \"\"x\"\"\",{i + 1},{a},10\n"))
            + string.Concat(new[] { 4.5, 4.5, 4.5, 3.5, 4.5 }.Select((a, i) => $"\"say \"\"hi\"\", p2\",,{i + 1},{a},10\n"));
        var path = CliRunner.TempCsv(Header + sessions);
        try
        {
            var result = CliRunner.Run("ruptures", "--input", path, "--calibration", "default");

            Assert.Equal((0, string.Empty), (result.ExitCode, result.Stderr));
            var records = CsvText.Records(result.Stdout);
            Assert.All(records, r => Assert.Equal(7, r.Length));
            Assert.Equal(["clinic A, p1", "say \"hi\", p2"], records.Skip(1).Select(r => r[0]));
            Assert.Contains("\"clinic A, p1\",4,rupture,", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("\"say \"\"hi\"\", p2\",4,rupture,", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Observations_written_then_read_give_back_the_same_ids_and_values()
    {
        SessionObservation[] observations =
        [
            new("clinic A, p1", "t \"x\"", 1, 4.25, 10),
            new("clinic A, p1", "t \"x\"", 2, null, 9.5),
            new("-p2", null, 1, 3.0, null),
            new("=p3", "t,4", 1, 1.0 / 3.0, 27),
            new("line\nbreak", "t5", 3, 5, 0),
        ];
        using var writer = new StringWriter();

        CsvWriters.WriteObservations(writer, observations);
        var read = CsvObservationReader.Read(new StringReader(writer.ToString()), "memory");

        Assert.Equal(observations, read);
        Assert.Contains("\"clinic A, p1\",\"t \"\"x\"\"\",1,4.25,10\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unterminated_quote_is_bad_input_naming_the_row()
    {
        var path = CliRunner.TempCsv(Header + "a,,1,4,10\n\"b,,1,4,10\n");
        try
        {
            var result = CliRunner.Run("analyze", "--input", path);

            Assert.Equal((2, string.Empty), (result.ExitCode, result.Stdout));
            Assert.Contains("row 3", result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
