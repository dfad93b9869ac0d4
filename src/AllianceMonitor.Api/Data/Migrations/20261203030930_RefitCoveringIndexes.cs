using Microsoft.EntityFrameworkCore.Migrations;

namespace AllianceMonitor.Api.Data.Migrations;

/// <summary>
/// Lets the refit's read (issue 15) come from two indexes alone, in session order, so PostgreSQL merge-joins them
/// instead of scanning the measurements' rows (their items and subscales too) and hashing a million sessions:
/// <c>ix_measurements_current</c> carries each rating's total (not part of its key: what it keeps unique is unchanged),
/// and a new index on the sessions' ids carries each session's patient and number. Both are rebuilt from the tables
/// while the migration runs (writes to those tables wait for it: seconds at a million sessions).
/// </summary>
public sealed partial class RefitCoveringIndexes : Migration
{
    private static readonly string[] CurrentColumns = ["session_id", "instrument", "rater", "timing"];
    private static readonly string[] CurrentIncludes = ["total"];
    private static readonly string[] SessionIncludes = ["patient_id", "number"];

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "ix_measurements_current",
            table: "measurements");

        migrationBuilder.CreateIndex(
            name: "ix_sessions_id_patient_number",
            table: "sessions",
            column: "id",
            unique: true)
            .Annotation("Npgsql:IndexInclude", SessionIncludes);

        migrationBuilder.CreateIndex(
            name: "ix_measurements_current",
            table: "measurements",
            columns: CurrentColumns,
            unique: true,
            filter: "superseded_at IS NULL")
            .Annotation("Npgsql:IndexInclude", CurrentIncludes);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "ix_sessions_id_patient_number",
            table: "sessions");

        migrationBuilder.DropIndex(
            name: "ix_measurements_current",
            table: "measurements");

        migrationBuilder.CreateIndex(
            name: "ix_measurements_current",
            table: "measurements",
            columns: CurrentColumns,
            unique: true,
            filter: "superseded_at IS NULL");
    }
}
