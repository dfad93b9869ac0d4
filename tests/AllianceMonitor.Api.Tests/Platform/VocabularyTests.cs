using System.Text.Json;
using AllianceMonitor.Analysis;
using AllianceMonitor.Analysis.Change;
using AllianceMonitor.Analysis.Instruments;
using AllianceMonitor.Analysis.Ruptures;
using AllianceMonitor.Api.Data;
using AllianceMonitor.Api.Tests.Infrastructure;
using Npgsql;

namespace AllianceMonitor.Api.Tests.Platform;

/// <summary>
/// The fixed vocabularies have one spelling each: the enum's stored name, in the database (checked by constraints),
/// on the wire and in the code. These tests pin the strings clients already rely on and keep literals out of src.
/// </summary>
public sealed class VocabularyTests
{
    [Fact]
    public void Stored_names_are_the_strings_already_stored_and_served()
    {
        // Issue 18 added deterioration after the two kinds clients already knew, issue 17 unnoticed_drop after it; earlier spellings are unchanged.
        Assert.Equal(["rupture", "low_alliance", "deterioration", "unnoticed_drop"], StoredNames.All<AlertKind>());
        Assert.Equal(["recovered", "reliably_improved", "no_reliable_change", "reliably_deteriorated"], StoredNames.All<ChangeStatus>());
        Assert.Equal(["open", "repaired", "unrepaired"], StoredNames.All<RuptureStatus>());
        Assert.Equal(["open", "acknowledged", "resolved", "withdrawn"], StoredNames.All<AlertStatus>());
        Assert.Equal(["client", "therapist", "observer"], StoredNames.All<Rater>());
        Assert.Equal(["pre", "post"], StoredNames.All<Timing>());
    }

    [Fact]
    public void Json_writes_and_reads_the_stored_name_and_refuses_numbers()
    {
        AssertRoundTrip<AlertKind>();
        AssertRoundTrip<RuptureStatus>();
        AssertRoundTrip<AlertStatus>();
        AssertRoundTrip<Rater>();
        AssertRoundTrip<Timing>();
        AssertRoundTrip<ChangeStatus>();
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AlertKind>("1"));
        Assert.Equal("\"low_alliance\"", JsonSerializer.Serialize<AlertKind?>(AlertKind.LowAlliance));
    }

    [Theory]
    [InlineData("kind", "ck_alerts_kind")]
    [InlineData("status", "ck_alerts_status")]
    [InlineData("rupture_status", "ck_alerts_rupture_status")]
    [InlineData("rater", "ck_alerts_rater")]
    public async Task The_database_rejects_a_value_outside_the_vocabulary(string column, string constraint)
    {
        await using var connection = new NpgsqlConnection(await TestDatabaseServer.CreateDatabaseAsync());
        await connection.OpenAsync();
        var (clinic, patient) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await ExecuteAsync(connection, $"""
            INSERT INTO clinics (id, name, created_at) VALUES ('{clinic}', 'c', now());
            INSERT INTO patients (id, clinic_id, external_id, created_at) VALUES ('{patient}', '{clinic}', 'p-1', now());
            """);

        // The same row with valid values goes in, so the failure below is the constraint's and nothing else's.
        await ExecuteAsync(connection, AlertInsert(clinic, patient, session: 1, column: null));
        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, AlertInsert(clinic, patient, session: 2, column)));

        Assert.Equal((PostgresErrorCodes.CheckViolation, constraint), (error.SqlState, error.ConstraintName));
    }

    [Fact]
    public async Task The_database_rejects_a_rater_or_timing_outside_the_vocabulary_in_measurements()
    {
        await using var connection = new NpgsqlConnection(await TestDatabaseServer.CreateDatabaseAsync());
        await connection.OpenAsync();
        var (clinic, patient, session) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await ExecuteAsync(connection, $"""
            INSERT INTO clinics (id, name, created_at) VALUES ('{clinic}', 'c', now());
            INSERT INTO patients (id, clinic_id, external_id, created_at) VALUES ('{patient}', '{clinic}', 'p-1', now());
            INSERT INTO sessions (id, patient_id, number, created_at, updated_at) VALUES ('{session}', '{patient}', 1, now(), now());
            """);
        string Insert(string rater, string timing, int revision) => $"""
            INSERT INTO measurements (session_id, patient_id, session_number, instrument, rater, timing, revision, total, subscales, received_at, superseded_at)
            VALUES ('{session}', '{patient}', 1, 'wai-sr', '{rater}', '{timing}', {revision}, 4, '{"{}"}', now(), now())
            """;

        await ExecuteAsync(connection, Insert("client", "post", 1));
        var rater = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, Insert("bogus", "post", 2)));
        var timing = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, Insert("client", "bogus", 3)));

        Assert.Equal((PostgresErrorCodes.CheckViolation, "ck_measurements_rater"), (rater.SqlState, rater.ConstraintName));
        Assert.Equal((PostgresErrorCodes.CheckViolation, "ck_measurements_timing"), (timing.SqlState, timing.ConstraintName));
    }

    [Fact]
    public void No_vocabulary_string_literal_is_written_in_src()
    {
        var src = Path.Combine(Repository.Root(), "src");
        var files = Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories)
            .Where(VocabularyLiterals.IsScanned)
            .ToList();
        Assert.NotEmpty(files);

        var found = files.SelectMany(f => VocabularyLiterals.Find(Path.GetRelativePath(src, f).Replace('\\', '/'), File.ReadAllText(f))).ToList();

        Assert.True(found.Count == 0, "Write these as enum values (StoredName() for SQL and text):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_literal_scan_finds_a_planted_literal_in_code_and_in_sql()
    {
        const string planted = """
            var kind = "low_alliance";
            var sql = "SELECT count(*) FROM alerts WHERE rupture_status = 'repaired'";
            var fine = $"a.rater = '{Rater.Client.StoredName()}'"; // "client" in a comment is still a literal
            var form = "post";
            <dd id="repaired">3</dd>
            if (status == "withdrawn")
            """;

        var found = VocabularyLiterals.Find("Alerts/Planted.cs", planted);

        Assert.Equal(["Alerts/Planted.cs:1 \"low_alliance\"", "Alerts/Planted.cs:2 'repaired'", "Alerts/Planted.cs:3 \"client\"", "Alerts/Planted.cs:6 \"withdrawn\""], found);
        Assert.False(VocabularyLiterals.IsScanned(Path.Combine("src", "AllianceMonitor.Api", "Data", "Migrations", "20261201000000_Vocabulary.sql")));
        Assert.False(VocabularyLiterals.IsScanned(Path.Combine("src", "AllianceMonitor.Api", "Data", "Migrations", "AllianceDbContextModelSnapshot.cs")));
        Assert.True(VocabularyLiterals.IsScanned(Path.Combine("src", "AllianceMonitor.Api", "Data", "VocabularyColumns.cs")));
        Assert.True(VocabularyLiterals.IsScanned(Path.Combine("src", "AllianceMonitor.Api", "Dashboard", "Inbox.razor")));
    }

    private static void AssertRoundTrip<TEnum>()
        where TEnum : struct, Enum
    {
        foreach (var value in Enum.GetValues<TEnum>())
        {
            var json = JsonSerializer.Serialize(value);
            Assert.Equal($"\"{value.StoredName()}\"", json);
            Assert.Equal(value, JsonSerializer.Deserialize<TEnum>(json));
        }
    }

    private static string AlertInsert(Guid clinic, Guid patient, int session, string? column)
    {
        string Value(string name, string valid) => name == column ? "'bogus'" : valid;
        return $"""
            INSERT INTO alerts (id, clinic_id, patient_id, instrument, rater, kind, session, status, rupture_status, severity,
                observed, baseline, drop_in_sds, threshold, rule, rule_version, calibration_version, default_calibration,
                explanation, created_at, updated_at)
            VALUES ('{Guid.CreateVersion7()}', '{clinic}', '{patient}', 'wai-sr', {Value("rater", "'client'")}, {Value("kind", "'rupture'")},
                {session}, {Value("status", "'open'")}, {Value("rupture_status", "'open'")}, 2,
                3.5, 4.5, 3.0, 0.8, 'rupture.baseline_drop', 2, 0, true, 'x', now(), now())
            """;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
